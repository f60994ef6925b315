"""The diary's safety net: the line where pain gets worse, and the flare-up notice's safety
questions, whose yes routes to the Pijntest's fixed advice and alerts the practitioner."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils.html import escape

from lijfwijs.accounts.tests.helpers import (
    IMMEDIATE_TASKS,
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.assessments import labels
from lijfwijs.diary import safety, services
from lijfwijs.diary.models import CheckIn, SafetyCheck
from lijfwijs.practice.models import Alert

pytestmark = pytest.mark.django_db

URL = "/dagboek/veiligheid/"
KEYS = [q.key for q in safety.QUESTIONS]
NET = "Verandert je pijn van karakter"


def answers(*yes: str) -> dict[str, str]:
    return {key: "yes" if key in yes else "no" for key in KEYS}


@pytest.fixture
def anna(content):
    return make_client_user("anna@example.org", display_name="Anna")


@pytest.fixture
def browser(anna) -> Client:
    return signed_in_browser(anna)


def test_the_questions_are_asked_without_javascript(browser):
    response = browser.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('type="radio"') == 2 * len(KEYS) and "<script" not in html.split("<main")[1]
    assert "nieuw of erger wordend" in html and "koorts" in html


@pytest.mark.parametrize(
    ("key", "level"),
    [
        ("bladder", "urgent"),
        ("saddle", "urgent"),
        ("bowel_sexual", "urgent"),
        ("both_legs", "urgent"),
        ("leg_weakness", "urgent"),
        ("fever", "same_day"),
    ],
)
def test_a_yes_routes_to_the_pijntests_advice_and_alerts_the_practitioner(
    key, level, anna, browser, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.TASKS = IMMEDIATE_TASKS
    pieter = make_practitioner("pieter@example.org")
    give_access(anna, pieter)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(URL, answers(key))
    check = SafetyCheck.objects.get()
    assert (check.user, check.flags, check.level) == (anna, [key], level)
    assert response.status_code == 302 and response["Location"] == f"{URL}{check.pk}/"
    html = browser.get(response["Location"]).content.decode()
    assert escape(str(labels.LEVELS[level])) in html
    assert labels.with_links(labels.LEVEL_ADVICE[level]) in html  # 112 a tel: link
    assert escape(str(safety.BY_KEY[key].flag)) in html
    main = html[html.index("<main") : html.index("</main>")]  # the footer has 112 on every page
    assert ('href="tel:112"' in main) is (level == "urgent")
    assert "nadat een arts je heeft onderzocht" in html
    [alert] = Alert.objects.all()
    assert (alert.practitioner, alert.client, alert.kind) == (pieter, anna, level)
    assert alert.safety_check == check
    assert [m.to for m in mailoutbox] == [[pieter.email]]


def test_urgent_outranks_same_day(browser):
    browser.post(URL, answers("fever", "saddle"))
    assert SafetyCheck.objects.get().level == "urgent"


def test_all_no_keeps_the_safety_net_and_alerts_nobody(
    anna, browser, django_capture_on_commit_callbacks
):
    give_access(anna, make_practitioner("pieter@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(URL, answers())
    html = browser.get(response["Location"]).content.decode()
    assert "Je antwoordde op alle vragen nee." in html and NET in html
    assert 'role="alert"' not in html
    assert not Alert.objects.exists()


def test_an_unanswered_question_is_asked_again(browser):
    data = answers("fever")
    del data["saddle"]
    response = browser.post(URL, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Kies ja of nee." in html and 'id="id_saddle_error"' in html
    assert html.count("checked") == len(KEYS) - 1  # what was answered stays answered
    assert not SafetyCheck.objects.exists()


def test_without_consent_the_advice_is_shown_but_nothing_is_kept(content):
    bram = make_client_user("bram@example.org", consent=False)
    response = signed_in_browser(bram).post(URL, answers("bladder"))
    assert response.status_code == 200
    assert labels.with_links(labels.LEVEL_ADVICE["urgent"]) in response.content.decode()
    assert not SafetyCheck.objects.exists()


def test_an_answer_is_the_persons_own(anna, browser):
    browser.post(URL, answers("fever"))
    check = SafetyCheck.objects.get()
    other = signed_in_browser(make_client_user("bram@example.org"))
    assert other.get(f"{URL}{check.pk}/").status_code == 404
    assert Client().get(URL)["Location"].startswith("/account/inloggen/")
    assert Client().get(f"{URL}{check.pk}/")["Location"].startswith("/account/inloggen/")


def test_export_and_erasure_include_the_answers(anna, browser):
    browser.post(URL, answers("fever"))
    exported = services.export_user_data(anna)["safety_checks"]
    assert [(c["yes"], c["level"]) for c in exported] == [(["fever"], "same_day")]
    services.erase_user_health_data(anna)
    assert not SafetyCheck.objects.exists()


# --- The line where pain gets worse -------------------------------------------------------------


def diary(user, first: int, last: int) -> None:
    """Four weeks: pain `first` in the first two weeks, `last` in the last two."""
    today = services.local_today(user)
    for n in range(28):
        day = today - timedelta(days=27 - n)
        CheckIn.objects.create(user=user, day=day, pain=first if n < 14 else last)


def trend_section(html: str) -> str:
    start = html.index('id="trend-heading"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(("first", "last", "shown"), [(3, 5, True), (5, 6, False), (6, 3, False)])
def test_a_trend_meaningfully_worse_brings_the_safety_net(anna, browser, first, last, shown):
    diary(anna, first, last)
    html = browser.get("/dagboek/inzichten/").content.decode()
    section = trend_section(html)
    assert (NET in section) is shown
    assert ('href="/dagboek/veiligheid/"' in section) is shown


def test_the_check_in_offers_the_questions_when_pain_feels_different(browser):
    html = browser.get("/dagboek/nieuw/").content.decode()
    assert "Voelt je pijn anders dan je gewend bent" in html
    assert f'href="{URL}"' in html
