"""The practice log in a real browser: "what calms me" as a chart with a table, a practice typed
in with the keyboard alone (no player, no JavaScript needed), deleting it again; axe finds no
serious or critical violation on the log page or on the insights page that shows it too."""

from datetime import timedelta

import pytest

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, assert_styled, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "sanne@voorbeeld.nl"
PASSWORD = "elke avond even de benen schudden"  # noqa: S105 - a test account


@pytest.fixture
def sanne(content):
    from django.utils import timezone

    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.exercises import services
    from lijfwijs.exercises.models import Exercise

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Sanne")
    give_health_consent(user)
    schudden = Exercise.objects.get(slug="schudden")
    for n, (before, after) in enumerate([(7, 4), (6, 3), (8, 4)]):
        services.log_session(
            user,
            schudden,
            seconds=120,
            completed=True,
            tension_before=before,
            tension_after=after,
            started_at=timezone.now() - timedelta(days=n + 1),
        )
    return user


def test_the_log_page_and_insights_are_accessible(open_tab, sanne):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/oefeningen/logboek/")).status == 200
    calm = page.locator("section[aria-labelledby=calm-heading]")
    assert calm.locator("svg[role=img]").count() == 1
    assert "Gemiddeld 3,3 punt minder spanning" in calm.inner_text()
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the practice log")
    assert page.goto(tab.url("/dagboek/inzichten/")).status == 200
    assert "3,3" in page.locator("section[aria-labelledby=calm-heading]").inner_text()
    assert_accessible(page, "the insights page with what calms me")


def test_a_practice_typed_in_with_the_keyboard_alone_and_deleted(open_tab, sanne):
    from lijfwijs.exercises.models import PracticeSession

    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/oefeningen/logboek/")).status == 200
    page.locator("#id_exercise").focus()
    page.keyboard.type("Bodyscan")  # a select chooses by typing, as with a keyboard
    page.keyboard.press("Tab")
    page.keyboard.type("15")  # minutes
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # "done to the end": yes, as it is
    page.keyboard.type("8")  # tension before
    page.keyboard.press("Tab")
    page.keyboard.type("3")  # tension after
    page.locator("#id_started_at").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/oefeningen/logboek/")
    assert "Je oefening is bewaard." in page.locator(".messages").inner_text()
    session = PracticeSession.objects.get(user=sanne, exercise__slug="bodyscan")
    assert (session.seconds, session.tension_before, session.tension_after) == (900, 8, 3)
    assert session.completed

    recent = page.locator("section[aria-labelledby=recent-heading]")
    first_row = recent.locator("tbody tr").first
    assert "Bodyscan" in first_row.inner_text() and "15 min" in first_row.inner_text()
    first_row.get_by_role("button").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "De oefening is uit je logboek verwijderd." in page.locator(".messages").inner_text()
    assert not PracticeSession.objects.filter(pk=session.pk).exists()
    assert tab.csp_violations() == [] and tab.broken == []


def test_exercises_ticked_in_a_check_in_show_in_the_log(open_tab, sanne):
    from lijfwijs.diary import services as diary

    clean, errors = diary.check_checkin(
        sanne,
        {
            "day": diary.local_today(sanne).isoformat(),
            "time": "07:45",
            "pain": 4,
            "exercises": ["gronden", "rustig-ademen"],
        },
    )
    assert not errors
    checkin, _ = diary.save_checkin(sanne, clean)
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/oefeningen/logboek/")).status == 200
    recent = page.locator("section[aria-labelledby=recent-heading]")
    from_checkin = recent.get_by_role("link", name="uit je check-in")
    assert from_checkin.count() == 2
    rows = recent.locator("tbody tr", has=page.get_by_role("link", name="uit je check-in"))
    assert "07:45" in rows.first.inner_text()
    # "what calms me" still counts only the sessions rated before and after
    calm = page.locator("section[aria-labelledby=calm-heading]")
    assert "Gronden" not in calm.inner_text() and "Rustig ademen" not in calm.inner_text()
    assert_fits_the_screen(page)
    assert_accessible(page, "the practice log with sessions from a check-in")
    with page.expect_navigation():
        from_checkin.first.click()
    assert page.url == tab.url(f"/dagboek/{checkin.pk}/")
