"""The practitioner's workspace in a real browser, from the alert to the exercise done.

Pieter signs in with his password and the code of his authenticator app, sees on his start page
and his client list that Anna answered the crisis question, opens her page (the timeline),
marks the alert as seen with a note (the alerts page then shows it seen, with the note), writes
a private note about her and gives her an exercise (shaking, daily for two weeks).
Anna signs in, finds it on her start page, does it in the player (on Playwright's clock) and
saves it in her log; Pieter then sees it counted. Every workspace page on the way fits a phone
(390 px, nothing scrolls sideways) and axe finds nothing serious or critical on it, in Dutch and
(a second test) in English.
"""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_styled,
    sign_in,
    sign_in_with_code,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
PIETER = "pieter@praktijk.example"
ANNA = "anna@voorbeeld.example"
NOTE = "Anna gebeld; ze is veilig en belt morgen haar huisarts."


@pytest.fixture
def people(content):
    """Pieter (practitioner, with an authenticator app) and Anna, who gave him access and
    answered the crisis question in her Pijntest: his open alert about her."""
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice
    from lijfwijs.accounts.tests.helpers import pijntest_result
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.diary.services import local_today
    from lijfwijs.practice import alerts
    from lijfwijs.practice.models import Alert

    pieter = User.objects.create_user(
        PIETER, PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter de Vries"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user(ANNA, PASSWORD, display_name="Anna Jansen")
    give_health_consent(anna)
    grant_access(anna, pieter)
    today = local_today(anna)
    for n, pain in enumerate([6, 6, 5, 7, 6, 5, 4, 5, 6, 7]):
        CheckIn.objects.create(user=anna, day=today - timedelta(days=n), pain=pain)
    response = pijntest_result(anna, **{"crisis.thoughts": "yes"})
    alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)
    alert = Alert.objects.get(client=anna, practitioner=pieter)
    return {"pieter": pieter, "anna": anna, "alert": alert}


def check_page(page, what: str) -> None:
    """What every workspace page must be: styled, fitting a phone, accessible."""
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, what)


def open_page(tab, path: str, what: str):
    page = tab.page
    response = page.goto(tab.url(path))
    assert response.status == 200, f"{path}: {response.status}"
    check_page(page, what)
    return page


def test_from_an_alert_to_an_exercise_done(open_tab, people):
    from lijfwijs.exercises.models import PracticeSession
    from lijfwijs.practice.models import Assignment

    anna, alert = people["anna"], people["alert"]
    client_path = f"/praktijk/clienten/{anna.pk}/"

    # --- Pieter: signed in with both factors, the alert on his start page
    practitioner = open_tab(PHONE)
    sign_in_with_code(practitioner, people["pieter"], PASSWORD)
    page = open_page(practitioner, "/", "the practitioner's start page")
    alerts_panel = page.locator("section", has=page.get_by_role("heading", name="Meldingen"))
    expect(alerts_panel.first).to_contain_text("Anna Jansen")
    expect(alerts_panel.first).to_contain_text("crisisantwoord")

    # --- the client list: Anna with her open alert
    page = open_page(practitioner, "/praktijk/", "the client list")
    page.get_by_label("Toon").select_option(label="met open meldingen")
    with page.expect_navigation():
        page.get_by_role("button", name="Zoeken").click()
    assert "flag=alerts" in page.url
    check_page(page, "the client list filtered on open alerts")
    row = page.locator("main tbody tr", has=page.get_by_role("link", name="Anna Jansen"))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(3)).to_have_text("1 open melding")

    # --- her page: the timeline, and the alert marked as seen with a note
    with page.expect_navigation():
        row.get_by_role("link", name="Anna Jansen").click()
    assert page.url == practitioner.url(client_path)
    check_page(page, "a client's record (overview)")
    expect(page.get_by_role("heading", name="Anna Jansen", level=1)).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("navigation", name="Dossier van de cliënt").get_by_role(
            "link", name="Tijdlijn"
        ).click()
    assert page.url == practitioner.url(f"{client_path}tijdlijn/")
    check_page(page, "a client's record (timeline)")
    this_week = page.locator("section[aria-labelledby=timeline-heading] li.timeline-week").first
    expect(this_week).to_contain_text("niet geoefend")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Dossier van de cliënt").get_by_role(
            "link", name="Overzicht"
        ).click()
    assert page.url == practitioner.url(client_path)
    section = page.locator("section[aria-labelledby=client-alerts]")
    open_alert = section.locator("li.card", has=page.locator("form"))
    expect(open_alert).to_have_count(1)
    open_alert.get_by_label("Notitie (niet verplicht)").fill(NOTE)
    with page.expect_navigation():
        open_alert.get_by_role("button", name="Markeer als gezien").click()
    assert page.url.startswith(practitioner.url(client_path)), page.url
    expect(page.locator(".messages")).to_contain_text("De melding is gemarkeerd als gezien.")
    check_page(page, "a client's page after marking the alert as seen")
    section = page.locator("section[aria-labelledby=client-alerts]")
    expect(section).to_contain_text("Geen open meldingen over deze cliënt.")
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_note == NOTE
    assert alert.acknowledged_by_id == people["pieter"].pk

    # the alerts page: none open, this one seen with its note
    page = open_page(practitioner, "/praktijk/meldingen/", "the alerts page")
    expect(page.locator("section[aria-labelledby=alerts-open]")).to_contain_text(
        "Geen open meldingen."
    )
    seen = page.locator("section[aria-labelledby=alerts-done]")
    expect(seen).to_contain_text("Anna Jansen")
    expect(seen).to_contain_text(NOTE)

    # a private note about the call, on the notes page
    page = open_page(practitioner, f"{client_path}notities/", "the notes page")
    page.get_by_label("Notitie", exact=True).fill("Crisisvraag besproken, plan afgesproken.")
    with page.expect_navigation():
        page.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Je notitie is opgeslagen.")
    check_page(page, "the notes page after writing a note")
    expect(page.locator("section[aria-labelledby=notes-heading]")).to_contain_text(
        "Crisisvraag besproken, plan afgesproken."
    )

    # --- an exercise for Anna: shaking, daily for two weeks
    page = open_page(practitioner, f"{client_path}opdrachten/", "the assignments page")
    form = page.locator("form", has=page.get_by_role("button", name="Oefening meegeven"))
    form.get_by_label("Oefening").select_option(label="Schudden")
    form.get_by_label("Bericht aan je cliënt (niet verplicht)").fill("Elke ochtend even.")
    with page.expect_navigation():
        form.get_by_role("button", name="Oefening meegeven").click()
    expect(page.locator(".messages")).to_contain_text(
        "Anna Jansen ziet Schudden nu op de startpagina."
    )
    check_page(page, "the assignments page after giving an exercise")
    assignment = Assignment.objects.get(client=anna)
    assert (assignment.exercise.slug, assignment.times_per_week) == ("schudden", 7)
    assert (assignment.ends_on - assignment.starts_on).days == 13  # two weeks
    current = page.locator("li.card", has=page.get_by_role("heading", name="Schudden"))
    expect(current.first).to_contain_text("0 van 1 keer gedaan")

    # --- Anna: the exercise on her start page, done in the player, saved in her log
    client = open_tab(PHONE)
    sign_in(client, ANNA, PASSWORD)
    home = open_page(client, "/", "the client's start page with the assignment")
    panel = home.locator("section[aria-labelledby=home-assignments]")
    expect(panel).to_contain_text("Schudden")
    expect(panel).to_contain_text("Elke ochtend even.")
    start = panel.get_by_role("link", name="Start Schudden")
    assert start.get_attribute("href") == "/oefeningen/schudden/oefenen/"

    player = client.page
    start_at = datetime.now(UTC).replace(microsecond=0)  # the server checks it against its day
    player.clock.install(time=start_at)
    with player.expect_navigation():
        start.click()
    player.clock.pause_at(start_at + timedelta(minutes=1))
    player.locator('label[for="tension_before-6"]').click()
    player.get_by_role("button", name="Start", exact=True).click()
    expect(player.locator('[data-stage="run"]')).to_be_visible()
    player.clock.run_for(120_050)
    expect(player.locator("[data-done]")).to_have_text("Je hebt 2 minuten geoefend.")
    player.locator('label[for="tension_after-3"]').click()
    player.clock.resume()
    player.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(player.locator("[data-log-status]")).to_contain_text("Bewaard in je logboek.")
    session = PracticeSession.objects.get(user=anna)
    assert session.exercise.slug == "schudden" and session.completed

    home = open_page(client, "/", "the client's start page after practising")
    expect(home.locator("section[aria-labelledby=home-assignments]")).to_contain_text(
        "Tot nu toe 1 van de 1 keer gedaan."
    )

    # --- Pieter sees it done
    page = open_page(practitioner, f"{client_path}opdrachten/", "the assignments page, done")
    current = page.locator("li.card", has=page.get_by_role("heading", name="Schudden"))
    expect(current.first).to_contain_text("1 van 1 keer gedaan")
    page = open_page(
        practitioner, f"{client_path}tijdlijn/", "a client's timeline with the practice in it"
    )
    this_week = page.locator("section[aria-labelledby=timeline-heading] li.timeline-week").first
    expect(this_week).to_contain_text("1 keer geoefend, 2 minuten.")
    expect(this_week).to_contain_text("Spanning gemiddeld 3,0 punt lager na afloop")

    for tab in (practitioner, client):
        assert tab.foreign_requests() == [], tab.foreign_requests()
        assert tab.broken == [], tab.broken


def test_the_workspace_in_english_on_a_phone(open_tab, people):
    """The same pages under /en/: in English, fitting a phone, accessible."""
    anna = people["anna"]
    client_path = f"/en/praktijk/clienten/{anna.pk}/"
    tab = open_tab(PHONE, locale="en-GB")
    signed_in(tab, people["pieter"])
    for path, what, words in [
        ("/en/", "the practitioner's start page", "Anna Jansen"),
        ("/en/praktijk/", "the client list", "My clients"),
        (client_path, "a client's record", "In short"),
        (f"{client_path}tijdlijn/", "a client's timeline", "weeks, newest first"),
        (f"{client_path}inzichten/", "a client's insights", "Insights"),
        (f"{client_path}notities-en-opdrachten/", "a client's notes and assignments", "Notes"),
        ("/en/praktijk/meldingen/", "the alerts page", "Mark as seen"),
        (f"{client_path}notities/", "the notes page", "Notes about Anna Jansen"),
        (f"{client_path}opdrachten/", "the assignments page", "Assignments for Anna Jansen"),
    ]:
        page = open_page(tab, path, f"{what} in English")
        assert page.locator("html").get_attribute("lang") == "en", path
        expect(page.locator("main")).to_contain_text(words)
    assert tab.foreign_requests() == [] and tab.broken == []
