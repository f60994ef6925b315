"""The flare-up notice's safety questions in a real browser, on a phone: the start page's flare-up
notice leads to them, a yes leads to the Pijntest's advice (a tel: link when urgent) and alerts
the practitioner; all no keeps the safety net. axe-core finds nothing serious on either page.
"""

import random
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "noor@voorbeeld.nl"
PASSWORD = "elke ochtend een rondje om het meer"  # noqa: S105 - a test account
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def noor(content, settings):
    """A client in a flare-up (pain about 3 for weeks, the last three days about 4 points
    higher), who gave her physiotherapist access. Tasks run at once, so alerts are raised."""
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent, grant_access
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.diary.services import local_today

    settings.TASKS = IMMEDIATE_TASKS
    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Noor")
    give_health_consent(user)
    fysio = User.objects.create_user(
        "fysio@voorbeeld.nl", None, role="practitioner", display_name="Fysio"
    )
    grant_access(user, fysio)
    rng = random.Random(7)  # noqa: S311 - test data, not a secret
    today = local_today(user)
    for n in range(40, 0, -1):
        pain = 3 + rng.choice([-1, 0, 0, 1]) + (4 if n <= 3 else 0)
        CheckIn.objects.create(user=user, day=today - timedelta(days=n - 1), pain=pain)
    return user


def to_the_questions(tab):
    """From the start page's flare-up notice to the safety questions."""
    page = tab.page
    signed_in(tab, EMAIL)
    assert page.goto(tab.url("/")).status == 200
    notice = page.locator("main section").first
    expect(notice.get_by_role("heading", name="Een opvlamming")).to_be_visible()
    expect(notice).to_contain_text("Verandert je pijn van karakter")
    expect(notice.get_by_role("link", name="Schrijf je terugvalplan")).to_be_visible()
    with page.expect_navigation():
        notice.get_by_role("link", name="Beantwoord de veiligheidsvragen").click()
    assert page.url.endswith("/dagboek/veiligheid/")
    return page


def answer(page, yes: tuple[str, ...]) -> None:
    """Click the labels like a person would: "Ja" for `yes`, "Nee" for the rest."""
    from lijfwijs.diary.safety import QUESTIONS

    for question in QUESTIONS:
        choice = 0 if question.key in yes else 1  # the choices are Ja, Nee
        page.locator(f'label[for="id_{question.key}_{choice}"]').click()
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Bekijk wat je nu kunt doen").click()
    assert nav.value.status == 200


def alerts() -> list[tuple[str, str]]:
    from lijfwijs.practice.models import Alert

    return list(Alert.objects.values_list("practitioner__email", "kind"))


def test_a_yes_to_a_cauda_equina_sign_leads_to_the_urgent_advice(open_tab, noor, mailoutbox):
    from lijfwijs.assessments import labels

    tab = open_tab(viewport=PHONE)
    page = to_the_questions(tab)
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the safety questions")

    answer(page, yes=("saddle",))
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("heading", level=1)).to_have_text(str(labels.LEVELS["urgent"]))
    expect(alert).to_contain_text(str(labels.LEVEL_ADVICE["urgent"]))
    phone = alert.locator('a[href="tel:112"]')
    expect(phone).to_have_count(2)  # in the advice itself, and the big "Bel 112" line
    phone = phone.first
    expect(phone).to_be_visible()
    box = phone.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], "112 below the fold"
    expect(page.locator("main")).not_to_contain_text("Naar de oefeningen")
    assert_fits_the_screen(page)
    assert_accessible(page, "the urgent advice")
    assert alerts() == [("fysio@voorbeeld.nl", "urgent")]
    assert [m.to for m in mailoutbox] == [["fysio@voorbeeld.nl"]]
    assert_stays_on_the_server(tab)


def test_fever_leads_to_the_gp_today_and_all_no_to_the_safety_net(open_tab, noor):
    from lijfwijs.assessments import labels

    tab = open_tab(viewport=PHONE)  # the site's real CSP
    page = to_the_questions(tab)
    answer(page, yes=("fever",))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(str(labels.LEVEL_ADVICE["same_day"]))
    expect(alert.locator('a[href="tel:112"]')).to_have_count(0)
    assert alerts() == [("fysio@voorbeeld.nl", "same_day")]

    assert page.goto(tab.url("/dagboek/veiligheid/")).status == 200
    answer(page, yes=())
    expect(page.locator("main")).to_contain_text("Je antwoordde op alle vragen nee.")
    expect(page.locator("main")).to_contain_text("Verandert je pijn van karakter")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert len(alerts()) == 1
    assert not tab.csp_violations(), tab.csp_violations()
    assert_stays_on_the_server(tab)
