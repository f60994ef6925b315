# ruff: noqa: F811 (pytest fixtures imported from mail_fixtures are parameters here)
"""The links in the booking emails, without an account: confirming the email address (valid 30
minutes), the booking's page, cancelling and rescheduling up to the limit, the calendar file;
a wrong token is a 404 and the pages never show the question."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client

from lijfwijs.booking import notifications, services
from lijfwijs.booking.models import Booking

from .conftest import book_for
from .mail_fixtures import committed, urls_loaded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION = "Ik heb uitstralende pijn in mijn linkerbeen"
TUESDAY_9 = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
THURSDAY_14 = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)  # 14:00 in Amsterdam


def manage_url(booking: Booking) -> str:
    return f"/afspraak/beheer/{booking.token}/"


def confirm_url(booking: Booking) -> str:
    signature = notifications.confirm_signature(booking.token)
    return f"/afspraak/beheer/{booking.token}/bevestigen/{signature}/"


@pytest.fixture
def held(frozen, advice_type) -> Booking:
    return book_for(advice_type, TUESDAY_9, question=QUESTION)


@pytest.fixture
def confirmed(frozen, advice_type, anna_client) -> Booking:
    return book_for(advice_type, TUESDAY_9, client=anna_client, question=QUESTION)


# --- confirming -----------------------------------------------------------------------------------


def test_the_confirm_link_confirms_the_held_booking(held, outbox, committed, client: Client):
    with committed():
        response = client.get(confirm_url(held))
    assert response.status_code == 200
    held.refresh_from_db()
    assert held.status == Booking.Status.CONFIRMED
    page = response.content.decode()
    assert "Je afspraak staat vast" in page
    assert "linkerbeen" not in page
    assert "no-store" in response["Cache-Control"]
    assert any(m.to == ["vera@example.org"] for m in outbox)

    again = client.get(confirm_url(held))  # a second click: still confirmed, nothing new sent
    assert again.status_code == 200
    assert Booking.objects.get(pk=held.pk).status == Booking.Status.CONFIRMED


def test_an_expired_confirm_link_offers_to_choose_again(held, frozen, client: Client):
    url = confirm_url(held)
    frozen.tick(timedelta(minutes=31))
    response = client.get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert "Deze link is verlopen" in page
    assert f"/afspraak/{held.appointment_type_id}/" in page  # the week of free times
    held.refresh_from_db()
    assert held.status == Booking.Status.HELD


def test_an_expired_link_of_a_confirmed_booking_leads_to_it(held, frozen, client: Client):
    url = confirm_url(held)
    services.confirm(held)
    frozen.tick(timedelta(hours=2))
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, manage_url(held))


def test_a_confirm_after_the_hold_when_someone_took_the_time_shows_the_nearest(
    held, frozen, advice_type, pieter, lotte, client: Client
):
    url = confirm_url(held)
    frozen.tick(timedelta(minutes=29, seconds=50))
    # Both practitioners' 09:00 are taken once the hold has run out ...
    frozen.tick(timedelta(seconds=20))
    services.release_expired_holds()
    for practitioner in (pieter, lotte):
        services.book(
            advice_type,
            TUESDAY_9,
            services.Who(client=None, name="Snel", email=f"snel{practitioner.pk}@example.org"),
            origin=Booking.Origin.VISITOR,
            practitioner=practitioner,
        )
    # ... and the link was signed 30 minutes and 10 seconds ago: expired as well. A fresh
    # signature (as if the link had been opened in time but the hold had already run out)
    # shows the nearest free times.
    response = client.get(url)
    assert response.status_code == 410
    signature = notifications.confirm_signature(held.token)
    response = client.get(f"/afspraak/beheer/{held.token}/bevestigen/{signature}/")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Deze tijd is niet meer vrij" in page
    assert "dinsdag 8 december, 09:30" in page
    held.refresh_from_db()
    assert held.status == Booking.Status.EXPIRED


@pytest.mark.parametrize(
    "path",
    [
        "/afspraak/beheer/{token}/bevestigen/0-0.bad/",
        "/afspraak/beheer/{other}/bevestigen/{signature}/",
    ],
)
def test_a_wrong_signature_is_a_404(held, client: Client, path):
    signature = notifications.confirm_signature(held.token)
    url = path.format(token=held.token, other="x" * 32, signature=signature)
    assert client.get(url).status_code == 404
    assert Booking.objects.get(pk=held.pk).status == Booking.Status.HELD


# --- the booking's page ---------------------------------------------------------------------------


def test_the_page_shows_the_booking_without_the_question(confirmed, client: Client):
    response = client.get(manage_url(confirmed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gratis adviesgesprek" in page
    assert "dinsdag 8 december 2026, 09:00–09:30" in page
    assert "linkerbeen" not in page
    assert f"/afspraak/beheer/{confirmed.token}/verzetten/" in page
    assert f"/afspraak/beheer/{confirmed.token}/annuleren/" in page
    assert "noindex" in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["x" * 32, "kort", "a" * 65, "..%2F"])
def test_an_unknown_or_malformed_token_is_a_404(confirmed, client: Client, token):
    for suffix in ("", "annuleren/", "verzetten/", "agenda.ics"):
        assert client.get(f"/afspraak/beheer/{token}/{suffix}").status_code == 404


def test_a_token_that_differs_in_case_is_a_404(confirmed, client: Client):
    assert client.get(manage_url(confirmed).swapcase()).status_code == 404


def test_a_blocked_time_has_no_page(frozen, pieter, hours, client: Client):
    block = services.block_time(pieter, TUESDAY_9, TUESDAY_9 + timedelta(hours=1))
    assert client.get(manage_url(block)).status_code == 404


def test_the_english_page(confirmed, client: Client):
    response = client.get("/en" + manage_url(confirmed))
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_after_the_limit_the_page_says_to_call_the_practice(
    confirmed, frozen, practice, client: Client
):
    practice.phone = "020 123 45 67"
    practice.save()
    frozen.move_to(TUESDAY_9 - timedelta(hours=23))  # the limit is 24 hours
    page = client.get(manage_url(confirmed)).content.decode()
    assert "020 123 45 67" in page
    assert "/verzetten/" not in page and "/annuleren/" not in page

    response = client.post(manage_url(confirmed) + "annuleren/", {"confirm": "yes"})
    assert response.status_code == 409
    assert "020 123 45 67" in response.content.decode()
    response = client.post(manage_url(confirmed) + "verzetten/", {"start": THURSDAY_14.isoformat()})
    assert response.status_code == 409
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.start) == (Booking.Status.CONFIRMED, TUESDAY_9)


# --- cancelling -----------------------------------------------------------------------------------


def test_cancel_asks_first_and_then_cancels(confirmed, outbox, committed, client: Client):
    url = manage_url(confirmed) + "annuleren/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="confirm"' in page.content.decode()

    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 422
    assert "Vink aan dat je de afspraak wilt annuleren." in unconfirmed.content.decode()
    assert Booking.objects.get(pk=confirmed.pk).status == Booking.Status.CONFIRMED

    with committed():
        done = client.post(url, {"confirm": "yes"})
    assert (done.status_code, done["Location"]) == (302, manage_url(confirmed))
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.cancelled_by) == (Booking.Status.CANCELLED, "client")
    assert any("geannuleerd" in m.subject for m in outbox)

    after = client.get(manage_url(confirmed))
    assert "Je afspraak is geannuleerd" in after.content.decode()
    assert client.post(url, {"confirm": "yes"}).status_code == 409  # once is enough


# --- rescheduling ---------------------------------------------------------------------------------


def test_the_week_list_offers_free_times_of_the_same_practitioner(confirmed, client: Client):
    response = client.get(manage_url(confirmed) + "verzetten/")
    assert response.status_code == 200
    page = response.content.decode()
    assert THURSDAY_14.isoformat() in page
    assert "je huidige tijd" in page
    # the next week, and back
    later = client.get(manage_url(confirmed) + "verzetten/?week=2026-12-14")
    assert datetime(2026, 12, 14, 8, 0, tzinfo=UTC).isoformat() in later.content.decode()
    assert client.get(manage_url(confirmed) + "verzetten/?week=nonsense").status_code == 200
    assert client.get(manage_url(confirmed) + "verzetten/?week=9999-12-31").status_code == 200


@pytest.mark.parametrize("offset", ["+00:00", "+01:00"])
def test_reschedule_moves_the_booking(confirmed, outbox, committed, client: Client, offset):
    """The page sends the time in UTC; the same instant written with another offset is read as
    the booking flow reads it (`forms.parse_start`)."""
    url = manage_url(confirmed) + "verzetten/"
    start = THURSDAY_14.astimezone(datetime.fromisoformat(f"2026-01-01T00:00{offset}").tzinfo)
    with committed():
        response = client.post(url, {"start": start.isoformat()})
    assert (response.status_code, response["Location"]) == (302, manage_url(confirmed))
    confirmed.refresh_from_db()
    assert (confirmed.start, confirmed.sequence) == (THURSDAY_14, 1)
    assert any("verzet" in m.subject for m in outbox)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "morgen",
        "2026-12-10T14:00",  # no offset: any instant
        # years nobody books: their UTC or the week around them was a server error (core.dates)
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
    ],
)
def test_reschedule_with_a_bad_time_keeps_the_booking(confirmed, client: Client, value):
    response = client.post(manage_url(confirmed) + "verzetten/", {"start": value})
    assert response.status_code == 422
    assert "Kies een van de vrije tijden." in response.content.decode()
    confirmed.refresh_from_db()
    assert (confirmed.start, confirmed.sequence) == (TUESDAY_9, 0)


def test_reschedule_to_a_taken_time_offers_the_nearest(
    confirmed, advice_type, pieter, lotte, client: Client
):
    taken = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # Thursday 09:00
    services.book(
        advice_type,
        taken,
        services.Who(name="Iemand", email="iemand@example.org"),
        origin=Booking.Origin.VISITOR,
        practitioner=confirmed.practitioner,
    )
    response = client.post(manage_url(confirmed) + "verzetten/", {"start": taken.isoformat()})
    assert response.status_code == 409
    page = response.content.decode()
    assert "De dichtstbijzijnde vrije tijden" in page
    assert "donderdag 10 december, 09:30" in page
    confirmed.refresh_from_db()
    assert confirmed.start == TUESDAY_9


def test_reschedule_outside_the_hours_is_refused_with_a_message(confirmed, client: Client):
    saturday = datetime(2026, 12, 12, 9, 0, tzinfo=UTC)
    response = client.post(manage_url(confirmed) + "verzetten/", {"start": saturday.isoformat()})
    assert response.status_code == 422
    assert "Kies een van de vrije tijden" in response.content.decode()


# --- the calendar file ----------------------------------------------------------------------------


def test_the_calendar_file_download(confirmed, client: Client):
    response = client.get(manage_url(confirmed) + "agenda.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    assert parsed["METHOD"] == "REQUEST"
    [event] = parsed.walk("VEVENT")
    assert event.decoded("DTSTART") == TUESDAY_9.astimezone(AMSTERDAM)
    assert b"linkerbeen" not in response.content

    services.cancel(confirmed, by="client")
    cancelled = icalendar.Calendar.from_ical(
        client.get(manage_url(confirmed) + "agenda.ics").content
    )
    assert cancelled["METHOD"] == "CANCEL"


def test_a_signed_in_client_reaches_her_own_booking(confirmed, anna_browser):
    assert anna_browser.get(manage_url(confirmed)).status_code == 200


def test_the_calendar_file_of_a_held_booking_is_tentative(held, client: Client):
    response = client.get(manage_url(held) + "agenda.ics")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "/agenda.ics" not in client.get(manage_url(held)).content.decode()
