"""The demo practice's booking (lijfwijs/booking/demo.py through `load_demo`): what it offers, the
hours with lunch, a holiday, the demo client's bookings; loaded twice without duplicates, and
served by the booking API."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from freezegun import freeze_time

import lijfwijs.urls  # noqa: F401 - the API's schemas made with the real datetime, before freezegun
from lijfwijs.accounts.models import User
from lijfwijs.booking.models import AppointmentType, AvailabilityException, Booking, WeeklyHours

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # Thursday 10:00 in Amsterdam


def counts() -> dict[str, int]:
    return {
        "types": AppointmentType.objects.count(),
        "hours": WeeklyHours.objects.count(),
        "exceptions": AvailabilityException.objects.count(),
        "bookings": Booking.objects.count(),
    }


def test_the_demo_offers_booking_and_loads_twice_without_duplicates():
    with freeze_time(NOW):
        call_command("load_demo", force=True, verbosity=0)
        first = counts()
        call_command("load_demo", force=True, verbosity=0)
        assert counts() == first
    assert first == {"types": 2, "hours": 10, "exceptions": 1, "bookings": 4}

    advice = AppointmentType.objects.get(name="Gratis adviesgesprek")
    assert (advice.duration_minutes, advice.is_free, advice.location) == (20, True, "video")
    assert advice.audience == AppointmentType.Audience.ANYONE
    treatment = AppointmentType.objects.get(name="Behandeling")
    assert (treatment.duration_minutes, treatment.location) == (50, "practice")
    assert treatment.audience == AppointmentType.Audience.CLIENTS
    assert "€" in treatment.price_text
    practitioner = User.objects.get(email="behandelaar@demo.lijfwijs.local")
    assert list(advice.practitioners.all()) == [practitioner]

    monday = sorted(
        (h.start, h.end) for h in WeeklyHours.objects.filter(practitioner=practitioner, weekday=0)
    )
    assert monday == [(time(9), time(12, 30)), (time(13, 30), time(17))]  # lunch between
    assert not WeeklyHours.objects.filter(weekday__gte=5).exists()
    holiday = AvailabilityException.objects.get()
    assert (holiday.first_day, holiday.last_day, holiday.opens) == (
        date(2026, 12, 25),
        date(2026, 12, 26),
        False,
    )

    anna = User.objects.get(email="anna@demo.lijfwijs.local")
    bookings = list(Booking.objects.filter(client=anna).order_by("start"))
    assert [b.status for b in bookings] == ["done", "done", "confirmed", "confirmed"]
    assert all(b.start < NOW for b in bookings[:2])
    assert all(b.start > NOW for b in bookings[2:])
    for booking in bookings:
        local = booking.start.astimezone(AMSTERDAM)
        assert local.weekday() < 5
        assert time(9) <= local.time() < time(17)


def test_the_demo_is_served_by_the_booking_api():
    with freeze_time(NOW):
        call_command("load_demo", force=True, verbosity=0)
    practice = AppointmentType.objects.get(name="Behandeling").practice_id
    visitor = Client()
    offered = visitor.get(f"/api/v1/booking/appointment-types?practice={practice}").json()
    assert [t["name"] for t in offered] == ["Gratis adviesgesprek"]  # treatment: clients only
    anna = Client()
    anna.force_login(
        User.objects.get(email="anna@demo.lijfwijs.local"),
        backend="lijfwijs.accounts.backends.UserBackend",
    )
    names = [
        t["name"] for t in anna.get(f"/api/v1/booking/appointment-types?practice={practice}").json()
    ]
    assert names == ["Gratis adviesgesprek", "Behandeling"]
    advice = offered[0]["id"]
    today = datetime.now(AMSTERDAM).date()
    to = today + timedelta(days=13)
    slots = visitor.get(
        f"/api/v1/booking/appointment-types/{advice}/slots?from={today}&to={to}"
    ).json()["slots"]
    assert slots, "the demo has free times in the next two weeks"
    starts = [datetime.fromisoformat(s["start"]) for s in slots]
    assert all(not time(12, 30) <= s.time() < time(13, 30) for s in starts)  # lunch
    assert all(s.date() not in (date(2026, 12, 25), date(2026, 12, 26)) for s in starts)
