"""Booking through the details step: a visitor's details, a client's one tap, times that cannot
be booked (422 with the nearest free times), a time just taken (409, what was typed kept), and a
repeated submit that books once."""

import re
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from lijfwijs.accounts.tests.helpers import pijntest_result
from lijfwijs.booking import flow, services
from lijfwijs.booking.models import Booking

from .conftest import NOW, TUESDAY, book_for, free_start

RADIO = re.compile(r'type="radio" id="alt-\d+" name="start" value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([^"]+)"')
NINE = "2026-12-08T08:00:00+00:00"  # Tuesday 09:00 in Amsterdam, the first free time
VISITOR = {"name": "Vera Visser", "email": "vera@example.org", "phone": "06 12345678"}


def details_url(appointment_type) -> str:
    return f"/afspraak/{appointment_type.pk}/gegevens/"


def attempt_of(page) -> str:
    found = ATTEMPT.search(page.content.decode())
    assert found, "the form carries an attempt"
    return found.group(1)


def alternatives_of(page) -> list[str]:
    return RADIO.findall(page.content.decode())


def open_details(browser, appointment_type, start=NINE, **extra):
    page = browser.get(details_url(appointment_type), {"start": start, **extra})
    assert page.status_code == 200, page.content.decode()[:300]
    return page


# --- a visitor ---------------------------------------------------------------------------------


def test_a_visitor_books_and_is_asked_to_confirm_the_address(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    text = page.content.decode()
    assert "dinsdag 8 december 2026, 09:00–09:30" in text
    assert "Europe/Amsterdam (CET)" in text
    for label in ("Je naam", "Je e-mailadres", "Je telefoonnummer (mag leeg)", "Wat wil je"):
        assert label in text
    assert 'href="/privacy/"' in text
    assert "Stuur de uitslag" not in text  # no Pijntest result in this browser
    posted = browser.post(
        details_url(advice_type),
        {**VISITOR, "question": "Pijn bij het tillen", "start": NINE, "attempt": attempt_of(page)},
    )
    assert posted.status_code == 302
    assert posted["Location"] == "/afspraak/bevestig-je-e-mail/"
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.HELD
    assert booking.origin == Booking.Origin.VISITOR
    assert booking.start.isoformat() == NINE
    assert (booking.name, booking.email, booking.phone) == (
        "Vera Visser",
        "vera@example.org",
        "06 12345678",
    )
    assert booking.question == "Pijn bij het tillen"
    assert booking.client is None and booking.language == "nl"
    assert booking.hold_expires_at == NOW + timedelta(minutes=30)
    after = browser.get(posted["Location"])
    text = after.content.decode()
    assert after.status_code == 200
    assert "vera@example.org" in text and "30 minuten geldig" in text
    assert "Gratis adviesgesprek" in text and "09:00–09:30" in text
    # another browser sees no one's details there
    other = Client().get("/afspraak/bevestig-je-e-mail/").content.decode()
    assert "vera@example.org" not in other and "We hebben je een e-mail gestuurd." in other


def test_a_visitors_errors_are_next_to_the_fields_and_nothing_typed_is_lost(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    posted = browser.post(
        details_url(advice_type),
        {
            "name": "Vera Visser",
            "email": "vera@",
            "phone": "bel me maar",
            "question": "Mijn schouder",
            "start": NINE,
            "attempt": attempt_of(page),
        },
    )
    assert posted.status_code == 422
    text = posted.content.decode()
    assert 'value="Vera Visser"' in text and ">\nMijn schouder</textarea>" in text
    assert 'value="vera@"' in text and 'value="bel me maar"' in text
    assert "Kijk dit nog even na" in text
    email_field = text[text.index('<label for="id_email">') - 40 :]
    assert email_field.startswith('<div class="field has-error">') or (
        'class="field has-error"' in email_field[:60]
    )
    assert 'class="field-error"' in email_field[: email_field.index('name="email"')]
    assert "Vul een telefoonnummer in" in text
    # the chosen time is still the one chosen, and nothing was booked
    assert f'name="start" value="{NINE}"' in text
    assert not Booking.objects.exists()


def test_a_nul_character_in_a_field_is_an_error_next_to_it(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    posted = browser.post(
        details_url(advice_type),
        {**VISITOR, "name": "Ve\x00ra", "start": NINE, "attempt": attempt_of(page)},
    )
    assert posted.status_code == 422
    text = posted.content.decode()
    name_field = text[text.index('<label for="id_name">') :]
    assert 'class="field-error"' in name_field[: name_field.index('name="name"')]
    assert not Booking.objects.exists()


def test_a_visitor_can_attach_the_pijntest_result_of_this_browser(frozen, advice_type):
    result = pijntest_result(None)
    browser = Client()
    session = browser.session
    session[flow.PIJNTEST_LAST] = result.pk
    session.save()
    page = open_details(browser, advice_type)
    assert "Stuur de uitslag van mijn Pijntest mee" in page.content.decode()
    browser.post(
        details_url(advice_type),
        {**VISITOR, "attach": "on", "start": NINE, "attempt": attempt_of(page)},
    )
    assert Booking.objects.get().assessment_response_id == result.pk


def test_a_result_in_someone_elses_account_is_never_attached(frozen, advice_type, bram):
    theirs = pijntest_result(bram)
    browser = Client()
    session = browser.session
    session[flow.PIJNTEST_LAST] = theirs.pk  # a session pointing at an account's result
    session.save()
    page = open_details(browser, advice_type)
    assert "Stuur de uitslag" not in page.content.decode()
    browser.post(
        details_url(advice_type),
        {**VISITOR, "attach": "on", "start": NINE, "attempt": attempt_of(page)},
    )
    assert Booking.objects.get().assessment_response_id is None


def test_holding_time_is_limited_per_address(frozen, advice_type, monkeypatch):
    monkeypatch.setattr(flow, "HOLDS_PER_HOUR", 1)
    browser = Client()
    page = open_details(browser, advice_type)
    first = browser.post(
        details_url(advice_type), {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
    )
    assert first.status_code == 302
    later = free_start(advice_type, TUESDAY + timedelta(days=1)).isoformat()
    page = open_details(browser, advice_type, start=later)
    second = browser.post(
        details_url(advice_type), {**VISITOR, "start": later, "attempt": attempt_of(page)}
    )
    assert second.status_code == 429
    assert Booking.objects.count() == 1


# --- a signed-in client -------------------------------------------------------------------------


def test_a_client_books_with_one_tap(frozen, session_type, anna_client, anna_browser):
    result = pijntest_result(anna_client)
    page = open_details(anna_browser, session_type)
    text = page.content.decode()
    assert "Bevestig afspraak" in text
    assert "Je boekt als Anna (anna@example.org)." in text
    assert 'name="email"' not in text and 'name="name"' not in text
    assert "Stuur de uitslag van mijn Pijntest mee" in text
    posted = anna_browser.post(
        details_url(session_type),
        {"start": NINE, "attempt": attempt_of(page), "attach": "on", "question": "Vervolg"},
    )
    booking = Booking.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/afspraak/{booking.token}/bevestigd/"
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.client == anna_client and booking.origin == Booking.Origin.CLIENT
    assert booking.name == "" and booking.email == ""
    assert booking.question == "Vervolg"
    assert booking.assessment_response_id == result.pk
    assert booking.end - booking.start == timedelta(minutes=45)
    assert "Je afspraak staat vast" in anna_browser.get(posted["Location"]).content.decode()


def test_a_client_who_does_not_attach_sends_no_result(
    frozen, advice_type, anna_client, anna_browser
):
    pijntest_result(anna_client)
    page = open_details(anna_browser, advice_type)
    anna_browser.post(details_url(advice_type), {"start": NINE, "attempt": attempt_of(page)})
    assert Booking.objects.get().assessment_response_id is None


def test_a_client_can_book_one_practitioner(frozen, advice_type, anna_client, anna_browser, pieter):
    page = open_details(anna_browser, advice_type, behandelaar=pieter.pk)
    assert "<dt>Bij</dt><dd>Pieter</dd>" in page.content.decode()
    anna_browser.post(
        details_url(advice_type),
        {"start": NINE, "behandelaar": pieter.pk, "attempt": attempt_of(page)},
    )
    assert Booking.objects.get().practitioner == pieter  # not Lotte, the first by name


# --- a repeated submit ---------------------------------------------------------------------------


def test_a_double_submit_books_once_and_shows_the_same_result(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    data = {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
    first = browser.post(details_url(advice_type), data)
    second = browser.post(details_url(advice_type), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/afspraak/bevestig-je-e-mail/"
    assert Booking.objects.count() == 1


def test_a_racing_second_submit_finds_the_first_by_its_uid(frozen, advice_type):
    """The second request of a double click may not see the first's session yet: the booking's
    UID, derived from the attempt, finds it (and the database refuses a second one)."""
    browser = Client()
    page = open_details(browser, advice_type)
    data = {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
    assert browser.post(details_url(advice_type), data).status_code == 302
    session = browser.session
    session.pop(flow.SESSION_ATTEMPTS)
    session.save()
    again = browser.post(details_url(advice_type), data)
    assert again.status_code == 302 and again["Location"] == "/afspraak/bevestig-je-e-mail/"
    assert Booking.objects.count() == 1


def test_a_clients_double_submit_leads_to_the_booked_page(
    frozen, advice_type, anna_client, anna_browser
):
    page = open_details(anna_browser, advice_type)
    data = {"start": NINE, "attempt": attempt_of(page)}
    first = anna_browser.post(details_url(advice_type), data)
    second = anna_browser.post(details_url(advice_type), data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def test_someone_elses_attempt_leads_nowhere_of_theirs(
    frozen, advice_type, anna_client, anna_browser, bram_browser
):
    page = open_details(anna_browser, advice_type)
    attempt = attempt_of(page)
    anna_browser.post(details_url(advice_type), {"start": NINE, "attempt": attempt})
    # Bram sends Anna's attempt (a copied form): he does not reach her booking, he gets his own
    theirs = bram_browser.post(details_url(advice_type), {"start": NINE, "attempt": attempt})
    assert theirs.status_code == 302
    assert Booking.objects.count() == 2
    his = Booking.objects.get(client__email="bram@example.org")
    assert theirs["Location"] == f"/afspraak/{his.token}/bevestigd/"


def test_a_new_attempt_is_a_new_booking(frozen, advice_type):
    browser = Client()
    for _ in range(2):
        page = open_details(browser, advice_type)
        browser.post(
            details_url(advice_type), {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
        )
    assert Booking.objects.count() == 2  # Lotte and Pieter are both free at 09:00


# --- a time just taken: 409, the nearest free times, what was typed kept ---------------------------


def take_nine(advice_type) -> None:
    book_for(advice_type, free_start(advice_type, TUESDAY), name="Eerste")  # Lotte
    book_for(advice_type, free_start(advice_type, TUESDAY), name="Tweede")  # Pieter


def test_a_time_just_taken_offers_the_nearest_free_times_and_keeps_the_details(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    take_nine(advice_type)  # while the visitor types
    data = {**VISITOR, "question": "Mijn nek", "start": NINE, "attempt": attempt_of(page)}
    taken = browser.post(details_url(advice_type), data)
    assert taken.status_code == 409
    text = taken.content.decode()
    assert "Deze tijd is net geboekt" in text
    assert 'value="Vera Visser"' in text and 'value="vera@example.org"' in text
    assert ">\nMijn nek</textarea>" in text
    alternatives = alternatives_of(taken)
    assert alternatives and NINE not in alternatives
    # both are busy 09:00–09:30: the nearest free time is 09:30
    assert alternatives[0] == "2026-12-08T08:30:00+00:00"
    assert Booking.objects.count() == 2
    # choosing one books it with the details typed before
    chosen = browser.post(details_url(advice_type), {**data, "start": alternatives[0]})
    assert chosen.status_code == 302
    booking = Booking.objects.get(name="Vera Visser")
    assert booking.start.isoformat() == alternatives[0] and booking.question == "Mijn nek"


def test_choosing_none_of_the_alternatives_asks_again(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    take_nine(advice_type)
    data = {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
    taken = browser.post(details_url(advice_type), data)
    again = browser.post(
        details_url(advice_type), {**VISITOR, "gewenst": NINE, "attempt": attempt_of(taken)}
    )
    assert again.status_code == 422
    assert "Kies een van de vrije tijden." in again.content.decode()
    assert alternatives_of(again) == alternatives_of(taken)
    assert 'value="Vera Visser"' in again.content.decode()


def test_opening_a_taken_time_says_so_with_the_nearest_free_times(frozen, advice_type):
    take_nine(advice_type)
    page = Client().get(details_url(advice_type), {"start": NINE})
    assert page.status_code == 409
    assert "Deze tijd is net geboekt" in page.content.decode()
    assert "2026-12-08T08:30:00+00:00" in alternatives_of(page)


def test_a_client_whose_time_was_taken_gets_alternatives_too(
    frozen, session_type, anna_client, anna_browser
):
    page = open_details(anna_browser, session_type)
    book_for(session_type, free_start(session_type, TUESDAY), client=anna_client)
    taken = anna_browser.post(
        details_url(session_type), {"start": NINE, "attempt": attempt_of(page), "question": "Nek"}
    )
    assert taken.status_code == 409
    # 45 minutes and a 15-minute pause after: Pieter is free again at 10:00
    assert "2026-12-08T09:00:00+00:00" in alternatives_of(taken)
    assert ">\nNek</textarea>" in taken.content.decode()


# --- times that cannot be booked: 422 with the nearest free times --------------------------------


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("morgen om negen", "Deze tijd kunnen we niet lezen"),
        ("2026-12-08T09:00:00", "Deze tijd kunnen we niet lezen"),  # no zone: any instant
        ("2026-12-32T08:00:00+00:00", "Deze tijd kunnen we niet lezen"),
        ("", "Deze tijd kunnen we niet lezen"),
        # years nobody books: no UTC, or no day after, for them (a server error before)
        ("0001-01-01T00:30:00+01:00", "Deze tijd kunnen we niet lezen"),
        ("0001-01-01T00:00:00+00:00", "Deze tijd kunnen we niet lezen"),
        ("9999-12-31T23:59:59+00:00", "Deze tijd kunnen we niet lezen"),
        ("2026-12-01T08:00:00+00:00", "Deze tijd is al voorbij"),
        ("2026-12-07T12:00:00+00:00", "te kort dag"),  # 13:00 today: within 12 hours
        ("2026-12-08T02:00:00+00:00", "Op deze tijd is er geen afspraak mogelijk"),  # 03:00
        ("2026-12-08T08:05:00+00:00", "Op deze tijd is er geen afspraak mogelijk"),  # off-step
        ("2026-12-12T10:00:00+00:00", "Op deze tijd is er geen afspraak mogelijk"),  # Saturday
        ("2027-03-01T09:00:00+00:00", "Zo ver vooruit kun je nog niet boeken"),
    ],
)
def test_a_time_that_cannot_be_booked_is_a_422_with_free_times(frozen, advice_type, start, message):
    for method in ("get", "post"):
        browser = Client()
        data = {**VISITOR, "start": start}
        page = getattr(browser, method)(details_url(advice_type), data)
        assert page.status_code == 422, (method, start)
        text = page.content.decode()
        assert message in text
        assert alternatives_of(page), "the nearest free times are offered"
        assert 'value="Vera Visser"' in text or method == "get"
    assert not Booking.objects.exists()


def test_a_nul_character_or_surrogate_in_the_time_is_refused(frozen, advice_type):
    browser = Client()
    # in the address: refused before any view (400 with a message, core's middleware)
    page = browser.get(details_url(advice_type), {"start": NINE + "\x00"})
    assert page.status_code == 400
    # in a form: a time that cannot be read, what else was typed kept
    for raw in (b"2026-12-08T08%3A00%3A00%2B00%3A00%00", b"%ED%A0%80", b"%F0%9F%98%80"):
        posted = browser.post(
            details_url(advice_type),
            b"name=Vera&email=vera%40example.org&start=" + raw,
            content_type="application/x-www-form-urlencoded",
        )
        assert posted.status_code == 422
        assert "Deze tijd kunnen we niet lezen" in posted.content.decode()
        assert 'value="Vera"' in posted.content.decode()
    assert not Booking.objects.exists()


def test_a_practitioner_who_does_not_give_the_type_is_refused(frozen, advice_type, rita):
    page = Client().get(details_url(advice_type), {"start": NINE, "behandelaar": rita.pk})
    assert page.status_code == 422
    assert "Deze behandelaar geeft deze afspraak niet" in page.content.decode()
    assert alternatives_of(page)


def test_an_empty_post_is_a_422_not_an_error(frozen, advice_type, anna_client, anna_browser):
    assert Client().post(details_url(advice_type)).status_code == 422
    assert anna_browser.post(details_url(advice_type)).status_code == 422
    assert not Booking.objects.exists()


def test_a_clients_type_cannot_be_booked_by_a_visitor(frozen, session_type):
    posted = Client().post(details_url(session_type), {**VISITOR, "start": NINE})
    assert posted.status_code == 404
    assert not Booking.objects.exists()


# --- English -------------------------------------------------------------------------------------


def test_booking_in_english(frozen, advice_type):
    browser = Client()
    page = browser.get(f"/en{details_url(advice_type)}", {"start": NINE})
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="en">' in text and "Tuesday 8 December 2026" in text
    assert f'action="/en{details_url(advice_type)}"' in text
    posted = browser.post(
        f"/en{details_url(advice_type)}", {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
    )
    assert posted["Location"] == "/en/afspraak/bevestig-je-e-mail/"
    assert Booking.objects.get().language == "en"
    assert browser.get(posted["Location"]).status_code == 200


def test_a_clients_booked_page_in_english(frozen, advice_type, anna_client, anna_browser):
    page = open_details(anna_browser, advice_type)
    posted = anna_browser.post(
        f"/en{details_url(advice_type)}", {"start": NINE, "attempt": attempt_of(page)}
    )
    assert posted["Location"].startswith("/en/afspraak/")
    booked = anna_browser.get(posted["Location"])
    assert booked.status_code == 200 and '<html lang="en">' in booked.content.decode()
    assert "/en/afspraak/mijn-afspraken/" in booked.content.decode()


# --- services.free_at: what the details step checks before the person confirms ----------------


def test_free_at_names_the_free_practitioners_or_why_not(frozen, advice_type, lotte, pieter):
    from lijfwijs.booking import services

    start = free_start(advice_type, TUESDAY)
    assert services.free_at(advice_type, start) == [lotte, pieter]
    assert services.free_at(advice_type, start, practitioner=pieter) == [pieter]
    book_for(advice_type, start)  # Lotte
    assert services.free_at(advice_type, start) == [pieter]
    book_for(advice_type, start)  # Pieter
    with pytest.raises(services.SlotTaken) as taken:
        services.free_at(advice_type, start)
    assert taken.value.alternatives
    with pytest.raises(services.NotBookable) as past:
        services.free_at(advice_type, NOW - timedelta(days=1))
    with translation.override("nl"):  # the message is lazy: in the language it is shown in
        assert "voorbij" in str(past.value.message)
    with pytest.raises(services.NotBookable):
        services.free_at(advice_type, start.replace(tzinfo=None))  # no zone


# --- from booking to a confirmed appointment, through the email -----------------------------------


def test_a_visitor_confirms_with_the_link_in_the_email(
    frozen, advice_type, outbox, django_capture_on_commit_callbacks
):
    browser = Client()
    page = open_details(browser, advice_type)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            details_url(advice_type), {**VISITOR, "start": NINE, "attempt": attempt_of(page)}
        )
    (email,) = [m for m in outbox if m.to == ["vera@example.org"]]
    link = re.search(r"https?://[^/\s]+(/afspraak/beheer/\S+/bevestigen/\S+/)", email.body)
    assert link, email.body
    assert Booking.objects.get().status == Booking.Status.HELD
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = Client().get(link.group(1))  # another device: the link alone is enough
    assert confirmed.status_code in (200, 302)
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_a_visitors_copied_attempt_does_not_show_their_booking(frozen, advice_type):
    browser = Client()
    page = open_details(browser, advice_type)
    attempt = attempt_of(page)
    browser.post(details_url(advice_type), {**VISITOR, "start": NINE, "attempt": attempt})
    other = Client()
    posted = other.post(
        details_url(advice_type),
        {"name": "Olga", "email": "olga@example.org", "start": NINE, "attempt": attempt},
    )
    assert posted.status_code == 302  # her own booking (Pieter is free too), not Vera's
    page = other.get(posted["Location"]).content.decode()
    assert "olga@example.org" in page and "vera@example.org" not in page
    assert Booking.objects.count() == 2


def _stopped_as_a_deadlock(times: int, real):
    """_claim_minutes as PostgreSQL answers a booking caught in a circle of waits `times` times."""
    calls = []

    def claim(booking):
        calls.append(booking.pk)
        if len(calls) <= times:
            cause = Exception("deadlock detected")
            cause.sqlstate = "40P01"  # as psycopg's DeadlockDetected carries it
            raise OperationalError("deadlock detected") from cause
        return real(booking)

    return claim, calls


def test_a_booking_stopped_as_a_deadlock_is_written_again(frozen, advice_type, monkeypatch):
    """Bookings of one time inserted at once on PostgreSQL may wait for each other's rows (the
    exclusion constraint), and one is stopped as a deadlock: a 500 for 46 of 50 visitors in one
    run of test_concurrency. It is written again, with a new row, and then holds the time."""
    claim, calls = _stopped_as_a_deadlock(2, services._claim_minutes)
    monkeypatch.setattr(services, "_claim_minutes", claim)
    booking = book_for(advice_type, free_start(advice_type, TUESDAY))
    assert len(calls) == 3
    assert Booking.objects.filter(pk=booking.pk, status=Booking.Status.HELD).count() == 1
    assert Booking.objects.count() == 1


def test_other_database_errors_and_endless_deadlocks_are_not_hidden(
    frozen, advice_type, monkeypatch
):
    claim, calls = _stopped_as_a_deadlock(services.DEADLOCK_RETRIES + 1, services._claim_minutes)
    monkeypatch.setattr(services, "_claim_minutes", claim)
    with pytest.raises(OperationalError):
        book_for(advice_type, free_start(advice_type, TUESDAY))
    assert len(calls) == services.DEADLOCK_RETRIES + 1
    monkeypatch.setattr(
        services, "_claim_minutes", lambda booking: (_ for _ in ()).throw(OperationalError("x"))
    )
    with pytest.raises(OperationalError):
        book_for(advice_type, free_start(advice_type, TUESDAY))
    assert not Booking.objects.exists()
