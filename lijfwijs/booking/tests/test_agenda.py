"""The practitioner's agenda through HTTP: the day and week lists, a booking's details (what the
practitioner, a colleague and the assistant see, and the access log), marking, cancelling and
rescheduling by the practice, booking for a client, blocking time, and another practice's 404."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from lijfwijs.accounts.models import AccessLog
from lijfwijs.accounts.tests.helpers import access_log_rows, pijntest_result, signed_in_browser
from lijfwijs.booking import notifications, services
from lijfwijs.booking.models import Booking, OccupiedMinute

from .conftest import TUESDAY, free_start

NINE = "2026-12-08T08:00:00+00:00"  # Tuesday 09:00 in Amsterdam
TEN = "2026-12-08T09:00:00+00:00"  # Tuesday 10:00
TUESDAY_NINE = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
RADIO = re.compile(r'name="start" value="([^"]+)"')


@pytest.fixture
def events(monkeypatch):
    """The changes services tell the notifications about, in order."""
    seen: list[tuple[int, str]] = []
    original = notifications.booking_event

    def record(booking, event):
        seen.append((booking.pk, event))
        original(booking, event)

    monkeypatch.setattr(notifications, "booking_event", record)
    return seen


@pytest.fixture
def anna_booking(frozen, advice_type, anna_client, pieter) -> Booking:
    """Anna's advice call with Pieter on Tuesday 09:00, her question and her Pijntest attached."""
    response = pijntest_result(anna_client, peg=6)
    return services.book(
        advice_type,
        free_start(advice_type, TUESDAY, pieter),
        services.Who(
            client=anna_client,
            question="Mijn rug zit vast na het tillen",
            assessment_response=response,
        ),
        origin=Booking.Origin.CLIENT,
        practitioner=pieter,
    )


@pytest.fixture
def visitor_booking(frozen, advice_type, lotte) -> Booking:
    """Vera's (a visitor's) held call with Lotte on Tuesday 09:00, an anonymous result attached."""
    return services.book(
        advice_type,
        free_start(advice_type, TUESDAY, lotte),
        services.Who(
            name="Vera Bezoeker",
            email="vera@example.org",
            phone="06 12345678",
            question="Vraag van Vera",
            assessment_response=pijntest_result(None, peg=3),
        ),
        origin=Booking.Origin.VISITOR,
        practitioner=lotte,
    )


def detail_url(booking: Booking) -> str:
    return f"/praktijk/agenda/afspraken/{booking.pk}/"


# --- the agenda ---------------------------------------------------------------------------------


def test_the_day_lists_your_own_bookings_by_default_and_everyone_on_request(
    frozen, anna_booking, visitor_booking, pieter_browser
):
    own = pieter_browser.get("/praktijk/agenda/", {"dag": "2026-12-08"})
    assert own.status_code == 200
    text = own.content.decode()
    assert "Dinsdag 8 december 2026" in text
    assert "09:00–09:30" in text  # 08:00 UTC, shown in Amsterdam's time
    assert "Anna" in text and "Gratis adviesgesprek" in text
    assert "Vera Bezoeker" not in text  # Lotte's
    assert detail_url(anna_booking) in text
    everyone = pieter_browser.get("/praktijk/agenda/", {"dag": "2026-12-08", "behandelaar": "alle"})
    text = everyone.content.decode()
    assert "Anna" in text and "Vera Bezoeker" in text and "Bij Lotte" in text


def test_the_agenda_is_a_list_per_day_not_a_wide_table(frozen, anna_booking, pieter_browser):
    """Readable at 390 px: each day a heading and a list of cards, no table to scroll."""
    for query in ({"dag": "2026-12-08"}, {"week": "2026-12-08"}):
        text = pieter_browser.get("/praktijk/agenda/", query).content.decode()
        main = text.split('id="main"', 1)[1]
        assert "<table" not in main
        assert '<ul class="card-list agenda-list">' in main


def test_the_week_runs_monday_to_sunday_with_each_day(frozen, anna_booking, pieter_browser):
    text = pieter_browser.get("/praktijk/agenda/", {"week": "2026-12-10"}).content.decode()
    assert "Week van 7 december tot en met 13 december 2026" in text
    for day in ("Maandag 7 december", "Dinsdag 8 december", "Zondag 13 december"):
        assert day in text
    assert text.count("Geen afspraken.") == 6
    assert "?week=2026-11-30" in text and "?week=2026-12-14" in text  # previous and next


def test_the_assistant_sees_everyone_and_a_bad_date_falls_back_to_today(
    frozen, anna_booking, visitor_booking, assistant_browser
):
    text = assistant_browser.get("/praktijk/agenda/", {"dag": "2026-12-08"}).content.decode()
    assert "Anna" in text and "Vera Bezoeker" in text
    page = assistant_browser.get("/praktijk/agenda/", {"dag": "8 december"})
    assert page.status_code == 200
    assert "Deze datum begrijpen we niet" in page.content.decode()
    assert "Maandag 7 december 2026" in page.content.decode()


def test_listing_a_signed_in_client_is_logged(frozen, anna_booking, pieter, pieter_browser):
    before = len(access_log_rows(anna_booking.client))
    pieter_browser.get("/praktijk/agenda/", {"dag": "2026-12-08"})
    rows = access_log_rows(anna_booking.client)[before:]
    assert [(r.actor_id, r.kind, r.action) for r in rows] == [
        (pieter.pk, AccessLog.Kind.PROFILE, AccessLog.Action.LIST)
    ]


def home_agenda(browser: Client) -> str:
    """The start page's "today in your agenda" card ("" when there is none)."""
    text = browser.get("/").content.decode()
    match = re.search(
        r'<section class="card" aria-labelledby="home-agenda">.*?</section>', text, re.S
    )
    return match.group(0) if match else ""


def test_the_start_page_shows_your_own_bookings_of_today(
    frozen, anna_booking, visitor_booking, pieter, pieter_browser, lotte_browser
):
    frozen.move_to(TUESDAY_NINE - timedelta(hours=2))  # Tuesday 07:00 in Amsterdam
    before = len(access_log_rows(anna_booking.client))
    card = home_agenda(pieter_browser)
    assert "Vandaag in je agenda" in card
    assert "09:00–09:30" in card and "Anna" in card and "Gratis adviesgesprek" in card
    assert detail_url(anna_booking) in card and 'href="/praktijk/agenda/"' in card
    assert "Vera Bezoeker" not in card  # Lotte's
    rows = access_log_rows(anna_booking.client)[before:]
    assert [(r.actor_id, r.kind, r.action, r.object_ref) for r in rows] == [
        (pieter.pk, AccessLog.Kind.PROFILE, AccessLog.Action.LIST, "agenda")
    ]
    lotte_card = home_agenda(lotte_browser)
    assert "Vera Bezoeker" in lotte_card and "Anna" not in lotte_card
    # another day (signed in again: a practitioner's session ends after 12 hours): nothing
    # booked, and no look logged
    frozen.move_to(TUESDAY_NINE + timedelta(days=1))
    before = len(access_log_rows(anna_booking.client))
    card = home_agenda(signed_in_browser(pieter))
    assert "Je hebt vandaag geen afspraken." in card and "Anna" not in card
    assert len(access_log_rows(anna_booking.client)) == before


def test_the_agenda_card_is_only_for_who_gives_appointments(
    frozen, anna_booking, assistant_browser, anna_browser, rita_browser
):
    frozen.move_to(TUESDAY_NINE - timedelta(hours=2))
    assert home_agenda(assistant_browser) == ""  # no appointments of her own: the agenda itself
    assert home_agenda(anna_browser) == ""  # a client
    assert "Anna" not in home_agenda(rita_browser)  # another practice


def test_the_agenda_card_in_english(frozen, anna_booking, pieter_browser):
    frozen.move_to(TUESDAY_NINE - timedelta(hours=2))
    text = pieter_browser.get("/en/").content.decode()
    assert "Today in your calendar" in text and "Open your calendar" in text


def test_blocked_time_is_shown_in_the_agenda(frozen, pieter, hours, pieter_browser):
    start = TUESDAY_NINE
    services.block_time(pieter, start, start + timedelta(hours=1), note="Teamoverleg")
    text = pieter_browser.get("/praktijk/agenda/", {"dag": "2026-12-08"}).content.decode()
    assert "Geblokkeerde tijd" in text and "Teamoverleg" in text and "09:00–10:00" in text


# --- a booking's details ----------------------------------------------------------------------


def test_the_practitioner_sees_the_question_and_the_pijntest(frozen, anna_booking, pieter_browser):
    page = pieter_browser.get(detail_url(anna_booking))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Afspraak met Anna" in text
    assert "anna@example.org" in text
    assert "Mijn rug zit vast na het tillen" in text
    assert "PEG-score" in text and "6 van 10" in text
    assert "PHQ-4" in text and "van 12" in text
    # Anna grants Pieter access: the whole result is one link away in his workspace
    response = anna_booking.assessment_response
    assert f"/praktijk/clienten/{anna_booking.client_id}/uitslagen/{response.pk}/" in text
    rows = access_log_rows(anna_booking.client)
    assert (rows[-1].kind, rows[-1].action, rows[-1].object_ref) == (
        AccessLog.Kind.PIJNTEST,
        AccessLog.Action.VIEW,
        f"booking:{anna_booking.pk}",
    )


@pytest.mark.parametrize("who", ["lotte", "assistant"])
def test_a_colleague_and_the_assistant_see_times_and_contact_only(
    frozen, anna_booking, who, request
):
    browser = signed_in_browser(request.getfixturevalue(who))
    page = browser.get(detail_url(anna_booking))
    assert page.status_code == 200
    text = page.content.decode()
    assert "anna@example.org" in text and "09:00–09:30" in text
    assert "Mijn rug zit vast" not in text
    assert "PEG-score" not in text and "/uitslagen/" not in text
    assert "ziet alleen de behandelaar van deze afspraak" in text
    assert access_log_rows(anna_booking.client)[-1].kind == AccessLog.Kind.PROFILE


def test_a_visitors_attached_result_is_summarised_for_their_practitioner(
    frozen, visitor_booking, lotte_browser
):
    text = lotte_browser.get(detail_url(visitor_booking)).content.decode()
    assert "Vera Bezoeker" in text and "06 12345678" in text and "bezoeker" in text
    assert "Vraag van Vera" in text
    assert "3 van 10" in text and "Belasting per domein" in text
    assert "wacht op bevestiging van het e-mailadres" in text.lower()


def test_the_owner_sees_a_colleagues_question(frozen, visitor_booking, pieter_browser):
    text = pieter_browser.get(detail_url(visitor_booking)).content.decode()
    assert "Vraag van Vera" in text


def test_another_practice_gets_404_for_every_booking_page(frozen, anna_booking, rita_browser):
    for url in ("", "markeren/", "annuleren/", "verzetten/"):
        method = rita_browser.post if url == "markeren/" else rita_browser.get
        assert method(detail_url(anna_booking) + url).status_code == 404, url
    assert rita_browser.post(detail_url(anna_booking) + "annuleren/").status_code == 404
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.CONFIRMED


def test_clients_get_403_and_anonymous_visitors_sign_in(frozen, anna_booking, anna_browser):
    assert anna_browser.get(detail_url(anna_booking)).status_code == 403
    assert anna_browser.get("/praktijk/agenda/").status_code == 403
    page = Client().get(detail_url(anna_booking))
    assert page.status_code == 302 and page["Location"].startswith("/account/inloggen/")


# --- marking ------------------------------------------------------------------------------------


def after_start(frozen, booking, user) -> Client:
    """The clock five minutes past the booking's start, and the user signed in then (a day
    later than the fixtures' sign-in)."""
    frozen.move_to(booking.start + timedelta(minutes=5))
    return signed_in_browser(user)


def test_marking_waits_until_the_appointment_has_begun(
    frozen, anna_booking, pieter, pieter_browser
):
    url = detail_url(anna_booking) + "markeren/"
    page = pieter_browser.post(url, {"status": "done"})
    assert page.status_code == 422
    assert "nog moet beginnen" in page.content.decode()
    pieter_browser = after_start(frozen, anna_booking, pieter)
    done = pieter_browser.post(url, {"status": "no_show"}, follow=True)
    assert "De afspraak staat op niet verschenen." in done.content.decode()
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.NO_SHOW
    # a mistake corrected: done after all
    pieter_browser.post(url, {"status": "done"})
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.DONE


def test_marking_needs_a_choice(frozen, anna_booking, pieter):
    pieter_browser = after_start(frozen, anna_booking, pieter)
    page = pieter_browser.post(detail_url(anna_booking) + "markeren/", {"status": "vergeten"})
    assert page.status_code == 422
    assert "Kies een geldige optie" in page.content.decode() or "Selecteer" in page.content.decode()
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.CONFIRMED


@pytest.mark.parametrize("who", ["lotte", "assistant"])
def test_only_the_practitioner_and_the_owner_mark(frozen, anna_booking, who, request):
    browser = after_start(frozen, anna_booking, request.getfixturevalue(who))
    assert (
        browser.post(detail_url(anna_booking) + "markeren/", {"status": "done"}).status_code == 403
    )
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.CONFIRMED


def test_a_cancelled_booking_cannot_be_marked(frozen, anna_booking, pieter):
    services.cancel(anna_booking, by="practice")
    pieter_browser = after_start(frozen, anna_booking, pieter)
    page = pieter_browser.post(detail_url(anna_booking) + "markeren/", {"status": "done"})
    assert page.status_code == 422
    assert "Alleen een bevestigde afspraak" in page.content.decode()


# --- cancelling and rescheduling by the practice ---------------------------------------------


def test_the_assistant_cancels_and_the_person_is_notified(
    frozen, anna_booking, events, assistant_browser
):
    url = detail_url(anna_booking) + "annuleren/"
    ask = assistant_browser.get(url)
    assert ask.status_code == 200 and "Ja, annuleer de afspraak" in ask.content.decode()
    done = assistant_browser.post(url, follow=True)
    assert "De afspraak is geannuleerd. Anna krijgt daar bericht van." in done.content.decode()
    anna_booking.refresh_from_db()
    assert (anna_booking.status, anna_booking.cancelled_by) == (
        Booking.Status.CANCELLED,
        "practice",
    )
    assert (anna_booking.pk, "cancelled") in events
    # the ask (a look), the cancel (a change), the booking's page after it (a look)
    rows = access_log_rows(anna_booking.client)[-3:]
    assert [r.action for r in rows] == [
        AccessLog.Action.VIEW,
        AccessLog.Action.CHANGE,
        AccessLog.Action.VIEW,
    ]


def test_a_colleague_may_not_cancel(frozen, anna_booking, lotte_browser):
    assert lotte_browser.post(detail_url(anna_booking) + "annuleren/").status_code == 403
    anna_booking.refresh_from_db()
    assert anna_booking.status == Booking.Status.CONFIRMED


def test_rescheduling_lists_free_times_and_moves_the_booking(
    frozen, anna_booking, events, pieter_browser
):
    url = detail_url(anna_booking) + "verzetten/"
    page = pieter_browser.get(url, {"dag": "2026-12-09"})
    assert page.status_code == 200
    times = RADIO.findall(page.content.decode())
    assert times and times[0] == "2026-12-09T08:00:00+00:00"  # Wednesday 09:00
    moved = pieter_browser.post(url, {"start": times[0]}, follow=True)
    assert "De afspraak is verzet." in moved.content.decode()
    anna_booking.refresh_from_db()
    assert anna_booking.start.isoformat() == times[0]
    assert anna_booking.sequence == 1
    assert (anna_booking.pk, "rescheduled") in events


def test_rescheduling_to_a_taken_time_keeps_the_choice_and_offers_the_nearest(
    frozen, anna_booking, advice_type, bram, pieter, pieter_browser
):
    taken = services.book(
        advice_type,
        free_start(advice_type, TUESDAY, pieter),
        services.Who(client=bram),
        origin=Booking.Origin.CLIENT,
        practitioner=pieter,
    )
    page = pieter_browser.post(
        detail_url(anna_booking) + "verzetten/", {"start": taken.start.isoformat()}
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "net door iemand anders geboekt" in text
    assert "De dichtstbijzijnde vrije tijden" in text
    assert RADIO.findall(text)
    anna_booking.refresh_from_db()
    assert anna_booking.start.isoformat() == NINE


@pytest.mark.parametrize(
    # the last two: a year no zone can convert, a server error before (core.dates)
    "start",
    ["morgen", "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"],
)
def test_rescheduling_without_a_time_says_so(frozen, anna_booking, pieter_browser, start):
    page = pieter_browser.post(detail_url(anna_booking) + "verzetten/", {"start": start})
    assert page.status_code == 422
    assert "Deze tijd is niet geldig" in page.content.decode()


@pytest.mark.parametrize("query", ["dag=0001-01-01", "dag=9999-12-31", "week=9999-W52"])
def test_a_day_in_a_year_nobody_books_is_today_with_a_notice(frozen, pieter_browser, query):
    """Before: the day's bounds in the practice's zone, or the next week, were a server error."""
    page = pieter_browser.get(f"/praktijk/agenda/?{query}")
    assert page.status_code == 200
    assert "Deze datum begrijpen we niet" in page.content.decode()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_free_times_of_a_day_in_a_year_nobody_books_are_refused(
    frozen, anna_booking, pieter_browser, day
):
    page = pieter_browser.get(detail_url(anna_booking) + "verzetten/", {"dag": day})
    assert page.status_code == 200
    assert "Vul een geldige datum in." in page.content.decode()


# --- booking for a client -----------------------------------------------------------------------


def test_booking_for_a_consenting_client(
    frozen, advice_type, anna_client, events, pieter, pieter_browser
):
    choose = {"client": anna_client.pk, "appointment_type": advice_type.pk, "day": "2026-12-08"}
    page = pieter_browser.get("/praktijk/agenda/nieuw/", choose)
    assert page.status_code == 200
    times = RADIO.findall(page.content.decode())
    assert times[0] == NINE
    done = pieter_browser.post(
        "/praktijk/agenda/nieuw/", {**choose, "start": TEN, "question": "Controle"}
    )
    assert done.status_code == 302
    booking = Booking.objects.get(client=anna_client)
    assert (booking.origin, booking.status, booking.practitioner_id) == (
        Booking.Origin.PRACTICE,
        Booking.Status.CONFIRMED,
        pieter.pk,
    )
    assert booking.start.isoformat() == TEN and booking.question == "Controle"
    assert (booking.pk, "confirmed") in events


def test_only_your_own_consenting_clients_can_be_chosen(
    frozen, advice_type, anna_client, bram, pieter_browser, lotte_browser
):
    page = pieter_browser.post(
        "/praktijk/agenda/nieuw/",
        {"client": bram.pk, "appointment_type": advice_type.pk, "day": "2026-12-08", "start": NINE},
    )
    assert page.status_code == 422
    assert "Kies een van je cliënten." in page.content.decode()
    assert ">Anna<" in page.content.decode() and ">Bram<" not in page.content.decode()
    # Anna grants Pieter access, not Lotte
    page = lotte_browser.post(
        "/praktijk/agenda/nieuw/",
        {
            "client": anna_client.pk,
            "appointment_type": advice_type.pk,
            "day": "2026-12-08",
            "start": NINE,
        },
    )
    assert page.status_code == 422
    assert not Booking.objects.exists()


def test_booking_a_taken_time_for_a_client_offers_the_nearest(
    frozen, anna_booking, advice_type, anna_client, pieter_browser
):
    page = pieter_browser.post(
        "/praktijk/agenda/nieuw/",
        {
            "client": anna_client.pk,
            "appointment_type": advice_type.pk,
            "day": "2026-12-08",
            "start": NINE,
        },
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "net door iemand anders geboekt" in text
    assert "De dichtstbijzijnde vrije tijden" in text
    assert Booking.objects.count() == 1


def test_the_assistant_does_not_book_for_clients(frozen, assistant_browser):
    assert assistant_browser.get("/praktijk/agenda/nieuw/").status_code == 403


# --- blocking time --------------------------------------------------------------------------------


def block_form(**fields):
    return {"day": "2026-12-08", "start": "09:00", "end": "12:00", "note": "Overleg", **fields}


@pytest.mark.parametrize("fields", [{"day": "0001-01-01"}, {"end_day": "9999-12-31"}])
def test_a_block_in_a_year_nobody_books_is_refused_next_to_the_day(
    frozen, hours, pieter_browser, fields
):
    page = pieter_browser.post("/praktijk/agenda/blokkeren/", block_form(**fields))
    assert page.status_code == 422
    assert "Vul een geldige datum in." in page.content.decode()
    assert not Booking.objects.filter(kind=Booking.Kind.BLOCK).exists()


def test_blocking_over_a_booking_is_refused_clearly(frozen, anna_booking, pieter_browser):
    page = pieter_browser.post("/praktijk/agenda/blokkeren/", block_form())
    assert page.status_code == 422
    text = page.content.decode()
    assert "In deze tijd staat al een afspraak of blokkade in de agenda." in text
    assert detail_url(anna_booking) in text  # what is in the way, with a link
    assert 'value="Overleg"' in text  # what was typed is kept
    assert not Booking.objects.filter(kind=Booking.Kind.BLOCK).exists()


def test_blocking_takes_the_time_and_removing_frees_it(frozen, advice_type, pieter, pieter_browser):
    done = pieter_browser.post("/praktijk/agenda/blokkeren/", block_form(), follow=True)
    assert "De tijd is geblokkeerd" in done.content.decode()
    block = Booking.objects.get(kind=Booking.Kind.BLOCK)
    assert block.start.isoformat() == NINE and block.note == "Overleg"
    starts = {
        s.start.isoformat()
        for s in services.free_slots(advice_type, TUESDAY, TUESDAY, practitioner=pieter)
    }
    assert NINE not in starts and TEN not in starts
    removed = pieter_browser.post(
        f"/praktijk/agenda/blokkeren/{block.pk}/verwijderen/", follow=True
    )
    assert "De blokkade is weg" in removed.content.decode()
    block.refresh_from_db()
    assert block.status == Booking.Status.CANCELLED
    assert not OccupiedMinute.objects.filter(booking=block).exists()
    starts = {
        s.start.isoformat()
        for s in services.free_slots(advice_type, TUESDAY, TUESDAY, practitioner=pieter)
    }
    assert NINE in starts


def test_block_times_are_validated_and_kept(frozen, hours, pieter_browser):
    page = pieter_browser.post(
        "/praktijk/agenda/blokkeren/", block_form(start="12:00", end="11:00")
    )
    assert page.status_code == 422
    assert "De eindtijd moet na de begintijd liggen." in page.content.decode()
    assert 'value="Overleg"' in page.content.decode()
    page = pieter_browser.post("/praktijk/agenda/blokkeren/", block_form(start="09:03"))
    assert page.status_code == 422
    assert "hele vijf minuten" in page.content.decode()


def test_the_owner_blocks_for_a_colleague_who_blocks_only_for_herself(
    frozen, hours, pieter, lotte, pieter_browser, lotte_browser
):
    pieter_browser.post("/praktijk/agenda/blokkeren/", block_form(practitioner=lotte.pk))
    block = Booking.objects.get(kind=Booking.Kind.BLOCK)
    assert block.practitioner_id == lotte.pk
    # Lotte's form has no choice of practitioner: a posted one is ignored
    lotte_browser.post(
        "/praktijk/agenda/blokkeren/", block_form(day="2026-12-09", practitioner=pieter.pk)
    )
    assert set(
        Booking.objects.filter(kind=Booking.Kind.BLOCK).values_list("practitioner_id", flat=True)
    ) == {lotte.pk}
    # Lotte may not remove Pieter's block; Pieter (owner) may remove Lotte's
    own = services.block_time(
        pieter, block.start + timedelta(days=2), block.end + timedelta(days=2)
    )
    assert (
        lotte_browser.post(f"/praktijk/agenda/blokkeren/{own.pk}/verwijderen/").status_code == 403
    )
    assert (
        pieter_browser.post(f"/praktijk/agenda/blokkeren/{block.pk}/verwijderen/").status_code
        == 302
    )


def test_blocks_of_another_practice_are_404(frozen, pieter, hours, rita_browser):
    block = services.block_time(pieter, TUESDAY_NINE, TUESDAY_NINE + timedelta(hours=1))
    assert (
        rita_browser.post(f"/praktijk/agenda/blokkeren/{block.pk}/verwijderen/").status_code == 404
    )
    block.refresh_from_db()
    assert block.status == Booking.Status.CONFIRMED


def test_an_appointment_is_not_removed_as_a_block(frozen, anna_booking, pieter_browser):
    assert (
        pieter_browser.post(
            f"/praktijk/agenda/blokkeren/{anna_booking.pk}/verwijderen/"
        ).status_code
        == 404
    )


# --- services.unblock -----------------------------------------------------------------------------


def test_unblock_frees_the_time_and_refuses_an_appointment(
    frozen, anna_booking, pieter, advice_type
):
    start = anna_booking.start + timedelta(days=1)
    block = services.block_time(pieter, start, start + timedelta(hours=1))
    services.unblock(block)
    assert block.status == Booking.Status.CANCELLED and block.cancelled_by == "practice"
    again = services.block_time(pieter, start, start + timedelta(hours=1))  # free again
    assert again.pk != block.pk
    with pytest.raises(services.NotAllowed):
        services.unblock(anna_booking)


# --- the navigation -------------------------------------------------------------------------------


def test_the_agenda_is_a_tab_for_practitioners_and_in_the_assistants_menu(
    frozen, pieter_browser, assistant_browser
):
    html = pieter_browser.get("/praktijk/agenda/").content.decode()
    assert re.search(r'<a class="tab" href="/praktijk/agenda/" aria-current="page">', html)
    assert not re.search(r'<a class="tab" href="/praktijk/" aria-current="page">', html)
    offer = pieter_browser.get("/praktijk/aanbod/").content.decode()
    assert re.search(r'<a class="tab" href="/praktijk/agenda/" aria-current="page">', offer)
    menu = assistant_browser.get("/praktijk/agenda/").content.decode().split('class="menu-list"')[1]
    assert 'href="/praktijk/agenda/" aria-current="page"' in menu
