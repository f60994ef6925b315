"""Private notes about a client: who reads them, writing and the 24-hour edit window, addenda,
the access log, the client's export and erasure, encryption at rest, and rejected input."""

import html
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.accounts.models import AccessLog, Membership, Practice, PractitionerAccess, User
from lijfwijs.accounts.services import join_practice
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    access_log_rows,
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.practice import notes
from lijfwijs.practice.models import ClientNote

pytestmark = pytest.mark.django_db


def notes_page(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/notities/"


def note_page(note) -> str:
    return f"/praktijk/clienten/{note.client_id}/notities/{note.pk}/"


def write(browser, client_user, body, **extra):
    return browser.post(notes_page(client_user), {"note-body": body, **extra})


def note_rows(client_user, action):
    return [
        r
        for r in access_log_rows(client_user)
        if r.kind == AccessLog.Kind.NOTES and r.action == action
    ]


def error_of(page: str) -> str:
    found = re.search(r'id="id_note-body_error"><p class="field-error">([^<]*)<', page)
    assert found, "no message next to the field"
    return html.unescape(found.group(1))


def a_note(author, client_user, body="Eerste gesprek: wil weer fietsen.", **extra) -> ClientNote:
    return ClientNote.objects.create(
        client=client_user,
        author=author,
        author_name=str(author),
        practice=author.practice,
        body=body,
        **extra,
    )


@pytest.fixture
def anna_with_pieter(anna, pieter):
    give_access(anna, pieter)
    return anna


@pytest.fixture
def colleague(pieter):
    """Joost works in Pieter's practice."""
    return make_practitioner("joost@example.org", display_name="Joost")


@pytest.fixture
def assistant(pieter):
    user = User.objects.create_user(
        "assistent@example.org", PASSWORD, role=User.Role.ASSISTANT, display_name="Assistent"
    )
    join_practice(user, pieter.practice, Membership.Role.ASSISTANT)
    return user


# --- writing ------------------------------------------------------------------------------------


def test_a_practitioner_writes_a_note_and_reads_it_back(anna_with_pieter, pieter, pieter_browser):
    anna = anna_with_pieter
    response = write(pieter_browser, anna, "  Eerste gesprek: wil weer fietsen.\n  ")
    note = ClientNote.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{notes_page(anna)}#notitie-{note.pk}"
    assert note.body == "Eerste gesprek: wil weer fietsen."  # stripped
    assert (note.client, note.author, note.author_name) == (anna, pieter, "Pieter")
    assert note.practice.name == "Fysio De Brug" and note.addendum_to is None
    [change] = note_rows(anna, AccessLog.Action.CHANGE)
    assert (change.actor_id, change.object_ref) == (pieter.pk, f"note:{note.pk}")
    assert "fietsen" not in str(change.__dict__)  # no health data in the log

    page = pieter_browser.get(notes_page(anna))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Eerste gesprek: wil weer fietsen." in text
    assert "Je notitie is opgeslagen." in text
    assert len(note_rows(anna, AccessLog.Action.VIEW)) == 1
    assert len(note_rows(anna, AccessLog.Action.CHANGE)) == 1


def test_the_form_says_the_client_can_read_the_notes(anna_with_pieter, pieter_browser):
    page = pieter_browser.get(notes_page(anna_with_pieter)).content.decode()
    hint = re.search(r'<p class="field-hint" id="id_note-body_helptext">([^<]*)<', page).group(1)
    assert "Je cliënt kan deze notities lezen" in html.unescape(hint)
    assert "AVG, artikel 15" in hint
    assert 'aria-describedby="id_note-body_helptext"' in page
    assert 'maxlength="5000"' in page


def test_a_note_from_the_clients_record_goes_back_to_its_tab(anna_with_pieter, pieter_browser):
    anna = anna_with_pieter
    response = write(pieter_browser, anna, "Belt volgende week.", return_to="client")
    assert response.status_code == 302
    assert response["Location"] == f"/praktijk/clienten/{anna.pk}/notities-en-opdrachten/#notities"
    # Anything else in return_to is the notes page, never an address from the form.
    response = write(pieter_browser, anna, "Tweede.", return_to="https://example.com/")
    assert response["Location"].startswith(notes_page(anna))


def test_a_double_submit_stores_one_note(anna_with_pieter, pieter_browser):
    anna = anna_with_pieter
    for _ in range(2):
        assert write(pieter_browser, anna, "Dubbel geklikt.").status_code == 302
    assert ClientNote.objects.count() == 1
    assert len(note_rows(anna, AccessLog.Action.CHANGE)) == 1
    # The same words later are a new note.
    with freeze_time(timezone.now() + timedelta(minutes=3)):
        assert write(pieter_browser, anna, "Dubbel geklikt.").status_code == 302
    assert ClientNote.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_note_sent_twice_at_once_is_stored_once(content):
    """Real parallel connections on PostgreSQL (with DATABASE_URL); SQLite one at a time."""
    anna = make_client_user("anna-race@example.org")
    pieter = make_practitioner("pieter-race@example.org")
    give_access(anna, pieter)
    barrier = threading.Barrier(2)

    def send():
        try:
            barrier.wait(10)
            return notes.add_note(pieter, anna, "Twee keer tegelijk verstuurd").pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: send(), range(2))
    assert first == second and ClientNote.objects.count() == 1
    assert len(note_rows(anna, AccessLog.Action.CHANGE)) == 1


def test_notes_are_listed_newest_first_with_their_addenda_under_them(anna_with_pieter, pieter):
    anna = anna_with_pieter
    old = a_note(pieter, anna, "Oud", created_at=timezone.now() - timedelta(days=3))
    new = a_note(pieter, anna, "Nieuw", created_at=timezone.now() - timedelta(days=1))
    later = a_note(pieter, anna, "Later toegevoegd", addendum_to=old)
    first = a_note(
        pieter,
        anna,
        "Eerder toegevoegd",
        addendum_to=old,
        created_at=timezone.now() - timedelta(days=2),
    )
    shown = notes.visible_notes(pieter, anna)
    assert shown == [new, old]
    assert shown[1].addenda_list == [first, later]
    assert not shown[1].editable and shown[1].appendable
    assert shown[0].addenda_list == []


# --- editing within 24 hours, then addenda ---------------------------------------------------------


def test_the_author_edits_a_note_within_24_hours(anna_with_pieter, pieter, pieter_browser):
    anna = anna_with_pieter
    note = a_note(pieter, anna, "Typfout in de notitie")
    page = pieter_browser.get(note_page(note))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Notitie wijzigen" in text and "Typfout in de notitie</textarea>" in text
    assert '<input type="hidden" name="mode" value="edit">' in text

    # A minute before the window closes (the note written 23 h 59 min ago).
    ClientNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - timedelta(hours=23, minutes=59)
    )
    response = pieter_browser.post(note_page(note), {"mode": "edit", "note-body": "Zonder typfout"})
    assert response.status_code == 302
    assert response["Location"] == f"{notes_page(anna)}#notitie-{note.pk}"
    note.refresh_from_db()
    assert note.body == "Zonder typfout" and note.updated_at > note.created_at
    assert len(note_rows(anna, AccessLog.Action.CHANGE)) == 1
    assert "gewijzigd" in pieter_browser.get(notes_page(anna)).content.decode()


def test_the_same_text_again_is_no_change(anna_with_pieter, pieter, pieter_browser):
    note = a_note(pieter, anna_with_pieter, "Zelfde")
    response = pieter_browser.post(note_page(note), {"mode": "edit", "note-body": "Zelfde "})
    assert response.status_code == 302
    assert note_rows(anna_with_pieter, AccessLog.Action.CHANGE) == []


def test_after_24_hours_the_page_offers_only_an_addendum(anna_with_pieter, pieter, pieter_browser):
    anna = anna_with_pieter
    note = a_note(pieter, anna, "Afspraak gemaakt")
    page = pieter_browser.get(note_page(note)).content.decode()
    assert "Notitie wijzigen" in page  # still open: the form to change it
    # The note was written 24 hours and a second ago.
    ClientNote.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    page = pieter_browser.get(note_page(note)).content.decode()
    assert "Aanvulling toevoegen" in page and "Notitie wijzigen" not in page
    assert '<input type="hidden" name="mode" value="addendum">' in page
    assert '<label for="id_note-body">Aanvulling</label>' in page
    assert re.search(r"<textarea [^>]*>\s*</textarea>", page)  # empty, not the note's text

    # A form opened in time and sent too late: refused, what was typed kept (as an addendum).
    response = pieter_browser.post(note_page(note), {"mode": "edit", "note-body": "Nieuwe tekst"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "die tijd is voorbij" in error_of(text)
    assert "Nieuwe tekst</textarea>" in text
    assert '<input type="hidden" name="mode" value="addendum">' in text
    note.refresh_from_db()
    assert note.body == "Afspraak gemaakt"
    assert note_rows(anna, AccessLog.Action.CHANGE) == []


def test_the_service_keeps_the_window_whatever_the_caller_thinks(anna_with_pieter, pieter):
    note = a_note(pieter, anna_with_pieter, "Origineel")
    later = note.created_at + timedelta(hours=24, minutes=1)
    with pytest.raises(notes.NoteLocked):
        notes.edit_note(pieter, note, "Te laat", now=later)
    # A note object read before the window closed (stale created_at in memory) changes nothing
    # either: the UPDATE itself checks the time in the database.
    ClientNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=25))
    with pytest.raises(notes.NoteLocked) as raised:
        notes.edit_note(pieter, note, "Te laat")
    assert isinstance(raised.value, ValueError) and "24 uur" in str(raised.value)
    note.refresh_from_db()
    assert note.body == "Origineel"
    assert note_rows(anna_with_pieter, AccessLog.Action.CHANGE) == []


def test_an_addendum_is_shown_under_its_note(anna_with_pieter, pieter, pieter_browser):
    anna = anna_with_pieter
    note = a_note(pieter, anna, "Pijn bij bukken", created_at=timezone.now() - timedelta(days=2))
    response = pieter_browser.post(
        note_page(note), {"mode": "addendum", "note-body": "Gaat beter."}
    )
    addendum = ClientNote.objects.get(addendum_to=note)
    assert response.status_code == 302
    assert response["Location"] == f"{notes_page(anna)}#notitie-{addendum.pk}"
    assert (addendum.body, addendum.author, addendum.client) == ("Gaat beter.", pieter, anna)
    [change] = note_rows(anna, AccessLog.Action.CHANGE)
    assert change.object_ref == f"note:{addendum.pk}"
    page = pieter_browser.get(notes_page(anna)).content.decode()
    assert (
        page.index("Pijn bij bukken")
        < page.index("Aanvulling van Pieter")
        < page.index("Gaat beter.")
    )
    assert "1 notitie<" in page  # the addendum is part of its note, not a note of its own
    # The addendum's own page (its author may change it for 24 hours).
    own = pieter_browser.get(note_page(addendum)).content.decode()
    assert "Aanvulling van Pieter" in own and "Gaat beter.</textarea>" in own
    # An addendum to the addendum belongs to the note.
    again = notes.add_note(pieter, anna, "Nog beter.", addendum_to=addendum.pk)
    assert again.addendum_to == note


def test_only_the_author_edits_or_adds(anna_with_pieter, pieter, colleague):
    anna = anna_with_pieter
    give_access(anna, colleague)
    note = a_note(pieter, anna)
    browser = signed_in_browser(colleague)
    assert browser.get(note_page(note)).status_code == 403
    for mode in ("edit", "addendum"):
        response = browser.post(note_page(note), {"mode": mode, "note-body": "Van Joost"})
        assert response.status_code == 403
    with pytest.raises(notes.NoteNotAllowed):
        notes.add_note(colleague, anna, "Van Joost", addendum_to=note)
    with pytest.raises(notes.NoteNotAllowed):
        notes.edit_note(colleague, note, "Van Joost")
    assert ClientNote.objects.count() == 1 and ClientNote.objects.get().body == note.body
    assert note_rows(anna, AccessLog.Action.CHANGE) == []


# --- who reads the notes ------------------------------------------------------------------------


def test_a_colleague_with_access_reads_the_practices_notes(anna_with_pieter, pieter, colleague):
    anna = anna_with_pieter
    give_access(anna, colleague)
    a_note(pieter, anna, "Notitie van Pieter")
    browser = signed_in_browser(colleague)
    page = browser.get(notes_page(anna))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Notitie van Pieter" in text and "Notitie wijzigen" not in text
    assert "Aanvulling toevoegen" not in text
    assert [r.actor_id for r in note_rows(anna, AccessLog.Action.VIEW)] == [colleague.pk]
    # And Pieter reads Joost's.
    assert write(browser, anna, "Notitie van Joost").status_code == 302
    assert [n.body for n in notes.visible_notes(pieter, anna)] == [
        "Notitie van Joost",
        "Notitie van Pieter",
    ]


def test_a_colleague_without_access_gets_404(anna_with_pieter, pieter, colleague):
    note = a_note(pieter, anna_with_pieter)
    browser = signed_in_browser(colleague)
    assert browser.get(notes_page(anna_with_pieter)).status_code == 404
    assert browser.get(note_page(note)).status_code == 404
    assert write(browser, anna_with_pieter, "Mag niet").status_code == 404
    assert notes.visible_notes(colleague, anna_with_pieter) == []
    with pytest.raises(Http404):
        notes.add_note(colleague, anna_with_pieter, "Mag niet")
    assert ClientNote.objects.count() == 1
    assert access_log_rows(anna_with_pieter) == []


def test_another_practice_never_reads_them(anna_with_pieter, pieter, rita, rita_browser):
    anna = anna_with_pieter
    give_access(anna, rita)  # Anna sees Rita too, in another practice
    note = a_note(pieter, anna, "Alleen voor De Brug")
    page = rita_browser.get(notes_page(anna))
    assert page.status_code == 200 and "Alleen voor De Brug" not in page.content.decode()
    assert rita_browser.get(note_page(note)).status_code == 404
    with pytest.raises(notes.NoteError) as raised:
        notes.add_note(rita, anna, "Aanvulling", addendum_to=note)
    assert raised.value.field == "addendum_to"
    # Rita's own note stays in her practice.
    assert write(rita_browser, anna, "Van Rita").status_code == 302
    assert [n.body for n in notes.visible_notes(pieter, anna)] == ["Alleen voor De Brug"]
    assert [n.body for n in notes.visible_notes(rita, anna)] == ["Van Rita"]


def test_after_the_client_revokes_nobody_reads_them(anna_with_pieter, pieter, pieter_browser):
    anna = anna_with_pieter
    note = a_note(pieter, anna)
    access = PractitionerAccess.objects.get(client=anna, practitioner=pieter)
    anna_browser = signed_in_browser(anna)
    assert anna_browser.post(f"/account/toegang/{access.pk}/intrekken/").status_code == 302
    assert pieter_browser.get(notes_page(anna)).status_code == 404
    assert pieter_browser.get(note_page(note)).status_code == 404
    assert pieter_browser.post(note_page(note), {"note-body": "Te laat"}).status_code == 404
    assert write(pieter_browser, anna, "Te laat").status_code == 404
    assert notes.visible_notes(pieter, anna) == []
    assert ClientNote.objects.count() == 1  # kept (the client still has them in her export)
    assert access_log_rows(anna) == []
    # Access given again: the notes are there again.
    give_access(anna, pieter)
    assert "Eerste gesprek" in pieter_browser.get(notes_page(anna)).content.decode()


def test_assistants_and_clients_get_403(anna_with_pieter, pieter, assistant):
    anna = anna_with_pieter
    note = a_note(pieter, anna)
    for person in (assistant, anna, make_client_user("bram@example.org")):
        browser = signed_in_browser(person)
        assert browser.get(notes_page(anna)).status_code == 403
        assert write(browser, anna, "Nee").status_code == 403
        assert browser.get(note_page(note)).status_code == 403
    assert notes.visible_notes(assistant, anna) == []
    assert ClientNote.objects.count() == 1 and access_log_rows(anna) == []


def test_an_assistant_membership_reads_nothing_even_as_practitioner(anna_with_pieter, pieter):
    """A practitioner account that sits in the practice as its assistant shares no notes."""
    odd = make_practitioner("odd@example.org", member_role=Membership.Role.ASSISTANT)
    give_access(anna_with_pieter, odd)
    a_note(pieter, anna_with_pieter)
    assert notes.visible_notes(odd, anna_with_pieter) == []


def test_anonymous_visitors_are_sent_to_sign_in(anna_with_pieter, client):
    response = client.get(notes_page(anna_with_pieter))
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


# --- the client's page --------------------------------------------------------------------------


def test_the_client_page_section_shows_the_newest_notes_and_logs_nothing(anna_with_pieter, pieter):
    anna = anna_with_pieter
    for day in range(7):
        a_note(pieter, anna, f"Notitie {day}", created_at=timezone.now() - timedelta(days=day))
    request = RequestFactory().get("/")
    request.user = pieter
    section = notes.client_section(request, anna)
    assert [n.body for n in section["note_list"]] == [f"Notitie {d}" for d in range(5)]
    assert (section["note_count"], section["note_more"]) == (7, True)
    assert section["note_client"] == anna and 'name="note-body"' in section["note_fields"]
    assert access_log_rows(anna) == []

    from django.template.loader import render_to_string

    markup = render_to_string("practice/_client_notes.html", section, request=request)
    assert '<section id="notities"' in markup and "<h2" in markup
    assert "Alle 7 notities bekijken" in markup
    assert 'name="return_to" value="client"' in markup
    assert "AVG, artikel 15" in markup


def test_the_notes_and_assignments_tab_shows_the_section_and_writes_one_row(
    anna_with_pieter, pieter, pieter_browser
):
    anna = anna_with_pieter
    a_note(pieter, anna, "Zichtbaar op de cliëntpagina")
    page = pieter_browser.get(f"/praktijk/clienten/{anna.pk}/notities-en-opdrachten/")
    assert page.status_code == 200
    text = page.content.decode()
    section = text[text.index('<section id="notities"') :]
    section = section[: section.index("</section>")]
    assert "Zichtbaar op de cliëntpagina" in section
    assert f'action="{notes_page(anna)}"' in section
    assert 'name="return_to" value="client"' in section
    assert len(note_rows(anna, AccessLog.Action.VIEW)) == 1  # one row for the tab's look
    assert len(access_log_rows(anna)) == 1


# --- rejected input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Schrijf iets in de notitie."),
        ("   \n\t ", "Schrijf iets in de notitie."),
        ("x" * 5001, "hoogstens 5000 tekens"),
        ("voor\x00na", "nulteken"),
    ],
)
def test_rejected_notes_come_back_with_the_message(
    anna_with_pieter, pieter, pieter_browser, body, message
):
    anna = anna_with_pieter
    response = write(pieter_browser, anna, body)
    assert response.status_code == 422
    text = response.content.decode()
    assert message in error_of(text)
    if body.strip() and "\x00" not in body:
        assert f"{body}</textarea>" in text  # what was typed is kept
    assert not ClientNote.objects.exists()
    assert note_rows(anna, AccessLog.Action.CHANGE) == []
    assert len(note_rows(anna, AccessLog.Action.VIEW)) == 1  # the page shows the notes again

    note = a_note(pieter, anna, "Bestaand")
    response = pieter_browser.post(note_page(note), {"mode": "edit", "note-body": body})
    assert response.status_code == 422 and message in error_of(response.content.decode())
    note.refresh_from_db()
    assert note.body == "Bestaand"


def test_exactly_5000_characters_are_fine(anna_with_pieter, pieter_browser):
    assert write(pieter_browser, anna_with_pieter, "x" * 5000).status_code == 302
    assert len(ClientNote.objects.get().body) == 5000


@pytest.mark.parametrize("body", [None, 12, ["a"], "\ud800"])
def test_the_service_refuses_what_is_not_storable_text(anna_with_pieter, pieter, body):
    with pytest.raises(notes.NoteError) as raised:
        notes.add_note(pieter, anna_with_pieter, body)
    assert isinstance(raised.value, ValueError) and raised.value.field == "body"
    assert str(raised.value)
    with pytest.raises(notes.NoteError) as raised:
        notes.add_note(pieter, anna_with_pieter, "Goed", addendum_to="geen getal")
    assert raised.value.field == "addendum_to"
    assert not ClientNote.objects.exists()


@given(st.text(max_size=5100))
def test_clean_body_keeps_or_refuses_but_never_stores_bad_text(body):
    try:
        cleaned = notes.clean_body(body)
    except notes.NoteError as error:
        assert error.message
        return
    assert cleaned == body.strip() and 1 <= len(cleaned) <= notes.MAX_LENGTH
    assert "\x00" not in cleaned


def test_unknown_ids_are_404(anna_with_pieter, pieter, pieter_browser):
    note = a_note(pieter, anna_with_pieter)
    other = make_client_user("bram@example.org")
    give_access(other, pieter)
    # A note of Anna's under Bram's address is not found.
    assert (
        pieter_browser.get(f"/praktijk/clienten/{other.pk}/notities/{note.pk}/").status_code == 404
    )
    assert pieter_browser.get(f"{notes_page(anna_with_pieter)}{note.pk + 1000}/").status_code == 404


# --- lists do not grow in queries -------------------------------------------------------------


def test_the_notes_page_reads_in_the_same_queries_for_1_or_30_notes(
    anna_with_pieter, pieter, pieter_browser, django_assert_num_queries
):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    anna = anna_with_pieter
    first = a_note(pieter, anna, created_at=timezone.now() - timedelta(days=40))
    a_note(pieter, anna, "Aanvulling", addendum_to=first)
    pieter_browser.get(notes_page(anna))  # the session's first page stores when it was seen
    with CaptureQueriesContext(conn) as few:
        assert pieter_browser.get(notes_page(anna)).status_code == 200
    for day in range(30):
        note = a_note(
            pieter, anna, f"Notitie {day}", created_at=timezone.now() - timedelta(days=day)
        )
        a_note(pieter, anna, "Aanvulling", addendum_to=note)
    with django_assert_num_queries(len(few.captured_queries)):
        page = pieter_browser.get(notes_page(anna))
    assert page.content.decode().count('class="card stack"') == 31


# --- encrypted at rest --------------------------------------------------------------------------


def test_the_text_is_encrypted_at_rest(anna_with_pieter, pieter):
    note = notes.add_note(pieter, anna_with_pieter, "Vertelt over slaapproblemen en angst")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, author_name FROM practice_clientnote WHERE id = %s", [note.pk])
        body, author_name = cursor.fetchone()
    assert "slaapproblemen" not in body and "angst" not in body
    assert body.startswith("gAAAA")  # a Fernet token
    assert author_name == "Pieter"
    assert ClientNote.objects.get().body == "Vertelt over slaapproblemen en angst"


# --- the client's own data: export, consent withdrawal, deletion -----------------------------


def test_the_client_finds_every_note_about_her_in_her_export(anna_with_pieter, pieter, rita):
    anna = anna_with_pieter
    note = a_note(pieter, anna, "Wil weer hardlopen", created_at=timezone.now() - timedelta(days=2))
    addendum = a_note(pieter, anna, "Eerste 2 km gelopen", addendum_to=note)
    give_access(anna, rita)
    a_note(rita, anna, "Van een andere praktijk")
    PractitionerAccess.objects.filter(practitioner=rita).update(
        status=PractitionerAccess.Status.REVOKED, revoked_at=timezone.now()
    )
    bram = make_client_user("bram@example.org")
    give_access(bram, pieter)
    a_note(pieter, bram, "Over Bram")

    browser = signed_in_browser(anna)
    assert browser.post("/account/export/", {"password": PASSWORD}).status_code == 302
    response = browser.get("/account/export/?bestand=1")
    assert response.status_code == 200
    exported = json.loads(response.content)["practice"]["notes"]
    assert "Over Bram" not in response.content.decode()
    first, second = exported
    assert first == {
        "id": note.pk,
        "author": "Pieter",
        "practice": "Fysio De Brug",
        "created_at": note.created_at.isoformat(),
        "updated_at": note.updated_at.isoformat(),
        "text": "Wil weer hardlopen",
        "addenda": [
            {
                "id": addendum.pk,
                "author": "Pieter",
                "practice": "Fysio De Brug",
                "created_at": addendum.created_at.isoformat(),
                "updated_at": addendum.updated_at.isoformat(),
                "text": "Eerste 2 km gelopen",
            }
        ],
    }
    # Also a note whose author no longer has access.
    assert (second["author"], second["practice"], second["text"]) == (
        "Rita",
        "Praktijk Elders",
        "Van een andere praktijk",
    )


def test_a_note_keeps_its_author_name_when_the_author_leaves(anna_with_pieter, pieter):
    note = a_note(pieter, anna_with_pieter, "Blijft")
    pieter.delete()
    Practice.objects.all().delete()
    note.refresh_from_db()
    assert (note.author, note.author_name, note.practice) == (None, "Pieter", None)
    [exported] = notes.export_notes(anna_with_pieter)
    assert (exported["author"], exported["practice"]) == ("Pieter", "")


def test_withdrawing_consent_for_health_data_erases_the_notes(anna_with_pieter, pieter):
    anna = anna_with_pieter
    note = a_note(pieter, anna)
    a_note(pieter, anna, "Aanvulling", addendum_to=note)
    bram = make_client_user("bram@example.org")
    give_access(bram, pieter)
    a_note(pieter, bram, "Over Bram")
    browser = signed_in_browser(anna)
    assert browser.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
    assert list(ClientNote.objects.values_list("body", flat=True)) == ["Over Bram"]


def test_deleting_the_account_deletes_the_notes(anna_with_pieter, pieter):
    anna = anna_with_pieter
    note = notes.add_note(pieter, anna, "Weg met het account")
    notes.add_note(pieter, anna, "Aanvulling", addendum_to=note)
    browser = signed_in_browser(anna)
    response = browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200  # the goodbye page
    assert not User.objects.filter(pk=anna.pk).exists()
    assert not ClientNote.objects.exists()
    # The access log of the changes stays (by law), without the text.
    kept = AccessLog.objects.about(anna.pk).filter(kind=AccessLog.Kind.NOTES)
    assert kept.count() == 2


def test_the_client_pages_notes_are_visible_notes(anna_with_pieter, pieter, colleague, rita):
    """client_page_notes (one statement, for the client's page after client_for) gives what
    visible_notes gives: the same notes and addenda in the same order, with their practice and
    what the reader may do, for the author, a colleague, an assistant-member and another
    practice."""
    anna = anna_with_pieter
    odd = make_practitioner("odd@example.org", member_role=Membership.Role.ASSISTANT)
    for reader in (colleague, odd, rita):
        give_access(anna, reader)
    old = a_note(pieter, anna, "Oud", created_at=timezone.now() - timedelta(days=3))
    a_note(pieter, anna, "Aanvulling", addendum_to=old)
    a_note(colleague, anna, "Van Joost", created_at=timezone.now() - timedelta(days=1))
    a_note(rita, anna, "Van Rita")
    ClientNote.objects.create(  # Pieter's own, written without a practice
        client=anna, author=pieter, author_name="Pieter", practice=None, body="Zonder praktijk"
    )

    def shape(found):
        return [
            (
                n.pk,
                n.body,
                n.practice.name if n.practice else None,
                n.editable,
                n.appendable,
                [(a.pk, a.body, a.editable) for a in n.addenda_list],
            )
            for n in found
        ]

    for reader in (pieter, colleague, odd, rita):
        assert shape(notes.client_page_notes(reader, anna)) == shape(
            notes.visible_notes(reader, anna)
        ), reader
    assert {n.body for n in notes.client_page_notes(pieter, anna)} == {
        "Oud",
        "Van Joost",
        "Zonder praktijk",
    }
    assert notes.client_page_notes(odd, anna) == []


def _same_markup(html: str) -> str:
    """White space does not change what is shown: runs of it as one space, none between tags."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("count", [0, 1, 7])
def test_the_tabs_notes_section_is_the_template_written_in_one_pass(
    anna_with_pieter, pieter, colleague, language, count
):
    """`section_markup` writes what `_client_notes.html` with `_note_list.html` writes: notes of
    the author and a colleague, changed or not, editable or only to add to, with addenda, text
    that needs escaping, the link to all of them, and the form with its notice."""
    from django.template.loader import render_to_string
    from django.utils import translation

    anna = anna_with_pieter
    give_access(anna, colleague)
    Practice.objects.filter(pk=pieter.practice.pk).update(name='De <Brug> & "Co"')
    pieter.refresh_from_db()
    now = timezone.now()
    written = []
    for n in range(count):
        at = now - timedelta(hours=7 * n, microseconds=n)
        written.append(
            a_note(
                pieter if n % 3 else colleague,
                anna,
                f"Notitie {n}\r\n<script>x</script> & \"'ok'\"\rregel",
                created_at=at,
                updated_at=at + timedelta(minutes=n % 2),
            )
        )
    if count > 1:
        for hours in (1, 30):
            at = now - timedelta(hours=hours)
            a_note(
                pieter,
                anna,
                f"Aanvulling <{hours}>",
                addendum_to=written[1],
                created_at=at,
                updated_at=at + timedelta(hours=hours // 30),
            )
    ClientNote.objects.filter(author=pieter).update(author_name="Pieter <P> & 'Q'")
    request = RequestFactory().get("/")
    request.user = pieter
    with translation.override(language):
        section = notes.client_section(request, anna)
        token = 'tok<&>"'
        expected = render_to_string("practice/_client_notes.html", {**section, "csrf_token": token})
        assert _same_markup(notes.section_markup(section, token)) == _same_markup(expected)
    if count == 7:
        assert "Pieter &lt;P&gt; &amp; &#x27;Q&#x27;" in expected and "<br>" in expected
        assert "&lt;script&gt;" in expected and "(De &lt;Brug&gt; &amp; &quot;Co&quot;)" in expected
        assert expected.count('class="card-list"') == 2  # the notes and one note's addenda
