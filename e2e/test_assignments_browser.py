"""Assignments in a real browser, on a phone: a practitioner signs in with the second factor,
sends the exercise form without an exercise (the message comes back next to the field, what was
typed kept), gives an exercise and opens the next step with a message; the client sees both on
her start page and the message in the program, practises, and the practitioner sees it counted.
Nothing scrolls sideways and axe finds no serious or critical violation on these pages."""

import pytest
from django.utils import timezone

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin voor de praktijk"  # noqa: S105 - a test account


@pytest.fixture
def people(content):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice

    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    join_practice(pieter, Practice.objects.create(name="Fysio De Brug"), Membership.Role.OWNER)
    anna = User.objects.create_user("anna@voorbeeld.nl", PASSWORD, display_name="Anna")
    give_health_consent(anna)
    grant_access(anna, pieter)
    return pieter, anna


def test_a_practitioner_assigns_and_the_client_sees_it_on_a_phone(open_tab, people):
    from lijfwijs.exercises import services as practice_log
    from lijfwijs.exercises.models import Exercise
    from lijfwijs.practice.models import Assignment

    pieter, anna = people
    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page
    assert page.goto(tab.url(f"/praktijk/clienten/{anna.pk}/opdrachten/")).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the assignments page")

    # Without an exercise: the page again, the message next to the field, the message kept.
    page.get_by_label("Bericht aan je cliënt (niet verplicht)").fill("Elke ochtend even.")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Oefening meegeven").click()
    assert nav.value.status == 422
    assert page.locator("#id_oefening-exercise_error").inner_text().strip() == "Kies een oefening."
    assert page.get_by_label("Bericht aan je cliënt (niet verplicht)").input_value() == (
        "Elke ochtend even."
    )
    assert_fits_the_screen(page)
    assert_accessible(page, "the assignments page with a rejected form")

    page.get_by_label("Oefening", exact=True).select_option(label="Bodyscan")
    page.get_by_label("Hoe vaak").select_option(label="2× per dag")
    page.get_by_label("Hoe lang").select_option(label="3 weken")
    with page.expect_navigation():
        page.get_by_role("button", name="Oefening meegeven").click()
    made = Assignment.objects.get(client=anna)
    assert (made.exercise.slug, made.times_per_week, made.message) == (
        "bodyscan",
        14,
        "Elke ochtend even.",
    )
    page.get_by_label("Bericht bij de stap").fill("Je bent er klaar voor.")
    with page.expect_navigation():
        page.get_by_role("button", name="Stap 2 openen").click()
    assert page.get_by_text("Stap 2 is open voor Anna, met je bericht.").is_visible()
    page.reload()  # (axe without the messages list of the base template)
    assert_fits_the_screen(page)
    assert_accessible(page, "the assignments page with two assignments")

    # Anna, on her own phone.
    client_tab = open_tab(PHONE)
    signed_in(client_tab, anna)
    client = client_tab.page
    assert client.goto(client_tab.url("/")).status == 200
    panel = client.locator("section", has=client.get_by_role("heading", name="Van je behandelaar"))
    assert panel.get_by_text("2× per dag, tot en met").is_visible()
    assert panel.get_by_text("Elke ochtend even.").is_visible()
    assert panel.get_by_role("link", name="Start Bodyscan").get_attribute("href") == (
        "/oefeningen/bodyscan/oefenen/"
    )
    assert_fits_the_screen(client)
    assert_accessible(client, "the client's start page with assignments")
    with client.expect_navigation():
        panel.get_by_role("link", name="Door naar stap 2").click()
    assert client.get_by_role("heading", name="Pieter heeft stap 2 voor je geopend").is_visible()
    assert client.get_by_text("Je bent er klaar voor.").is_visible()
    assert client.get_by_role("button", name="Ga door naar stap 2").is_visible()
    assert_fits_the_screen(client)
    assert_accessible(client, "the program step with the practitioner's message")

    # Anna practises (as the player saves it); Pieter sees it counted.
    # started now: five minutes back can be yesterday just after midnight, before the assignment
    practice_log.log_session(
        anna,
        Exercise.objects.get(slug="bodyscan"),
        seconds=300,
        completed=True,
        started_at=timezone.now(),
    )
    page.reload()
    assert page.get_by_text("1 van 2 keer gedaan tot nu toe (42 in totaal).").is_visible()
