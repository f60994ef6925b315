"""A client takes the validated scales from their account: one page each, the crisis advice at once."""

import pytest
from django.urls import reverse

from lijfwijs.accounts.tests.helpers import make_client_user, make_practitioner, signed_in_browser
from lijfwijs.assessments import registry, services
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.tests.test_safety import calm_answers, crisis_answers

pytestmark = pytest.mark.django_db


def form(answers):
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in answers.items()}


@pytest.fixture
def person(content):
    return make_client_user("scales@example.org")


@pytest.fixture
def browser(person):
    return signed_in_browser(person)


def test_the_list_offers_the_four_scales(browser):
    html = browser.get(reverse("assessments:scales")).content.decode()
    for scale in services.CLIENT_SCALES:
        assert reverse("assessments:scale", kwargs={"instrument_id": scale}) in html
    assert "18 jaar en ouder" in html


@pytest.mark.parametrize("scale", services.CLIENT_SCALES)
def test_a_scale_is_one_page_stored_in_the_account(browser, person, scale):
    instrument = registry.get(scale)
    url = reverse("assessments:scale", kwargs={"instrument_id": scale})
    page = browser.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset") == len(instrument.items)
    answer = browser.post(url, form(calm_answers(instrument)))
    assert answer.status_code == 302
    stored = Response.objects.get(user=person, instrument=scale)
    assert stored.channel == Response.Channel.WEB and stored.is_completed
    assert answer["Location"] == reverse("assessments:report", kwargs={"response_id": stored.pk})
    result = browser.get(answer["Location"]).content.decode()
    assert "Je totaalscore is" in result and "panel-crisis" not in result


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_item9_shows_the_crisis_advice_first_and_calls_the_hook(browser, monkeypatch, item9):
    calls = []
    real = services.hooks.functions
    monkeypatch.setattr(
        services.hooks,
        "functions",
        lambda hook: [calls.append] if hook == "safety_finding" else real(hook),
    )
    instrument = registry.get("phq9")
    answers = calm_answers(instrument) | {"phq9.9": item9}
    url = reverse("assessments:scale", kwargs={"instrument_id": "phq9"})
    answer = browser.post(url, form(answers))
    main = browser.get(answer["Location"]).content.decode()
    main = main[main.index("<main") :]
    assert main.index("panel-crisis") < main.index("<h1")
    for link in ('href="tel:113"', 'href="tel:08000113"', 'href="tel:112"'):
        assert link in main
    assert calls == [Response.objects.get().pk]


def test_a_crisis_answer_shows_the_advice_at_once_even_when_the_page_comes_back(browser):
    instrument = registry.get("phq9")
    url = reverse("assessments:scale", kwargs={"instrument_id": "phq9"})
    answer = browser.post(url, form(crisis_answers(instrument) | {"phq9.1": ""}))
    assert answer.status_code == 422
    html = answer.content.decode()
    main = html[html.index("<main") :]
    assert main.index("panel-crisis") < main.index("<h1") < main.index("error-summary")
    assert Response.objects.count() == 0


def test_only_clients_with_consent_store_a_scale(content):
    practitioner = signed_in_browser(make_practitioner("prac@example.org"))
    url = reverse("assessments:scale", kwargs={"instrument_id": "gad7"})
    assert practitioner.get(url).status_code == 403
    no_consent = signed_in_browser(make_client_user("nc@example.org", consent=False))
    page = no_consent.get(url)
    assert page.status_code == 200 and "<fieldset" not in page.content.decode()
    assert "geen toestemming" in page.content.decode()
    assert no_consent.post(url, form(calm_answers(registry.get("gad7")))).status_code == 403
    assert Response.objects.count() == 0


@pytest.mark.parametrize("other", ["pijntest", "peg3", "nope"])
def test_only_the_four_scales_are_offered(browser, other):
    assert (
        browser.get(reverse("assessments:scale", kwargs={"instrument_id": other})).status_code
        == 404
    )
