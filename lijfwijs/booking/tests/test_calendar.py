"""Calendar files of bookings: they parse with icalendar and with vobject (an independent parser
that computes the times from our VTIMEZONE), the times are right in Europe/Amsterdam on both
sides of the 2026 autumn and 2027 spring changes, the UID is stable and SEQUENCE rises on change,
a cancellation is METHOD:CANCEL, and nothing about the person's health is in them."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from freezegun import freeze_time

from lijfwijs.booking import calendar, services
from lijfwijs.booking.models import WeeklyHours

from .conftest import book_for
from .mail_fixtures import urls_loaded  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUESTION = "Mijn onderrug doet pijn sinds de val van de trap"


def amsterdam(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def every_day(practitioner) -> None:
    """The practitioner works weekends too (24 October 2026 and 27 March 2027 are Saturdays)."""
    practice = practitioner.membership.practice
    for weekday in (5, 6):
        WeeklyHours.objects.create(
            practice=practice,
            practitioner=practitioner,
            weekday=weekday,
            start=time(9, 0),
            end=time(17, 0),
        )


def parse_both(content: bytes):
    parsed = icalendar.Calendar.from_ical(content)
    independent = vobject.readOne(content.decode("utf-8"))
    return parsed, independent


def only_event(parsed):
    [event] = parsed.walk("VEVENT")
    return event


# (booking moment in Amsterdam, its offset from UTC in hours, the clock when it is booked)
DST_CASES = [
    (amsterdam(2026, 10, 24, 10, 0), 2, datetime(2026, 10, 1, 8, 0, tzinfo=UTC)),  # CEST
    (amsterdam(2026, 10, 26, 10, 0), 1, datetime(2026, 10, 1, 8, 0, tzinfo=UTC)),  # CET
    (amsterdam(2027, 3, 27, 10, 0), 1, datetime(2027, 3, 1, 8, 0, tzinfo=UTC)),  # CET
    (amsterdam(2027, 3, 30, 10, 0), 2, datetime(2027, 3, 1, 8, 0, tzinfo=UTC)),  # CEST
]


@pytest.mark.parametrize(("local_start", "offset", "clock"), DST_CASES)
def test_times_are_right_in_amsterdam_on_both_sides_of_a_dst_change(
    local_start, offset, clock, advice_type, pieter
):
    every_day(pieter)
    with freeze_time(clock):
        booking = book_for(advice_type, local_start.astimezone(UTC), client=None, question=QUESTION)
        booking = services.confirm(booking)
    assert booking.start.utcoffset() is not None
    assert booking.start == local_start
    assert local_start.utcoffset().total_seconds() == offset * 3600

    parsed, independent = parse_both(calendar.booking_ics(booking))
    event = only_event(parsed)
    # icalendar: local wall time with the zone's id, and the instant
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART").replace(tzinfo=None) == local_start.replace(tzinfo=None)
    assert event.decoded("DTSTART").astimezone(UTC) == booking.start
    assert event.decoded("DTEND").astimezone(UTC) == booking.end
    assert [tz.tz_name for tz in parsed.timezones] == ["Europe/Amsterdam"]
    assert parsed.get_missing_tzids() == set()

    # vobject reads the times through our VTIMEZONE (not the system's zone data)
    start = independent.vevent.dtstart.value
    assert start.tzinfo is not None
    assert start.astimezone(UTC) == booking.start
    assert start.utcoffset().total_seconds() == offset * 3600
    assert independent.vevent.dtend.value.astimezone(UTC) == booking.end
    assert independent.vtimezone.tzid.value == "Europe/Amsterdam"


def test_the_request_has_what_a_calendar_app_needs(frozen, advice_type, pieter, practice):
    practice.email = "info@debrug.example"
    practice.phone = "020 123 45 67"
    practice.save()
    advice_type.video_link = "https://video.example/debrug"
    advice_type.save()
    start = amsterdam(2026, 12, 8, 9, 0).astimezone(UTC)
    booking = book_for(advice_type, start, name="Vera Bezoeker", question=QUESTION)
    booking = services.confirm(booking)

    content = calendar.booking_ics(booking, manage_link="https://lijfwijs.example/beheer/x/")
    parsed, independent = parse_both(content)
    assert parsed["METHOD"] == "REQUEST"
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"]
    event = only_event(parsed)
    assert str(event["UID"]) == f"{booking.uid}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["SUMMARY"]) == "Gratis adviesgesprek bij Fysio De Brug"
    assert str(event["LOCATION"]) == "https://video.example/debrug"
    assert str(event["ORGANIZER"]) == "mailto:info@debrug.example"
    assert event["ORGANIZER"].params["CN"] == "Fysio De Brug"
    assert str(event["ATTENDEE"]) == "mailto:vera@example.org"
    assert event["ATTENDEE"].params["CN"] == "Vera Bezoeker"
    assert "020 123 45 67" in str(event["DESCRIPTION"])
    assert "https://lijfwijs.example/beheer/x/" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert independent.method.value == "REQUEST"
    assert independent.vevent.uid.value == str(event["UID"])
    # never the question
    assert b"onderrug" not in content and "trap" not in content.decode()


def test_location_by_kind(frozen, advice_type, session_type, anna_client, practice, pieter):
    practice.address = "Brugstraat 1\n1234 AB Amsterdam"
    practice.save()
    session = book_for(
        session_type, amsterdam(2026, 12, 8, 9, 0).astimezone(UTC), client=anna_client
    )
    event = only_event(icalendar.Calendar.from_ical(calendar.booking_ics(session)))
    assert str(event["LOCATION"]) == "Brugstraat 1, 1234 AB Amsterdam"

    advice_type.location = advice_type.Location.PHONE
    advice_type.save()
    call = book_for(advice_type, amsterdam(2026, 12, 9, 9, 0).astimezone(UTC), client=anna_client)
    event = only_event(icalendar.Calendar.from_ical(calendar.booking_ics(call)))
    assert str(event["LOCATION"]) == "telefonisch"


def test_uid_stays_and_sequence_rises_on_reschedule_and_cancel(frozen, advice_type, anna_client):
    booking = book_for(
        advice_type, amsterdam(2026, 12, 8, 9, 0).astimezone(UTC), client=anna_client
    )
    first = only_event(icalendar.Calendar.from_ical(calendar.booking_ics(booking)))

    moved = services.reschedule(
        booking, amsterdam(2026, 12, 10, 14, 0).astimezone(UTC), by="client"
    )
    parsed, independent = parse_both(calendar.booking_ics(moved))
    second = only_event(parsed)
    assert second["UID"] == first["UID"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second.decoded("DTSTART") == amsterdam(2026, 12, 10, 14, 0)
    assert int(independent.vevent.sequence.value) == 1

    cancelled = services.cancel(moved, by="client")
    parsed, independent = parse_both(calendar.booking_ics(cancelled, method=calendar.CANCEL))
    third = only_event(parsed)
    assert parsed["METHOD"] == "CANCEL"
    assert third["UID"] == first["UID"]
    assert third["SEQUENCE"] == 2
    assert str(third["STATUS"]) == "CANCELLED"
    assert independent.method.value == "CANCEL"
    assert independent.vevent.status.value == "CANCELLED"


def test_the_feed_holds_many_events_in_one_zone(frozen, advice_type, anna_client, pieter):
    bookings = [
        book_for(advice_type, amsterdam(2026, 12, day, 9, 0).astimezone(UTC), client=anna_client)
        for day in (8, 9, 10)
    ]
    content = calendar.feed_ics(pieter, bookings, zone=AMSTERDAM, language="nl")
    parsed, independent = parse_both(content)
    assert "METHOD" not in parsed
    events = parsed.walk("VEVENT")
    assert [e.decoded("DTSTART").date() for e in events] == [
        date(2026, 12, 8),
        date(2026, 12, 9),
        date(2026, 12, 10),
    ]
    assert len(parsed.timezones) == 1
    assert [e.dtstart.value.astimezone(UTC) for e in independent.vevent_list] == [
        b.start for b in bookings
    ]
    assert str(events[0]["SUMMARY"]) == "Gratis adviesgesprek met Anna"
