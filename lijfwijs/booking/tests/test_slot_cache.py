"""The cached free times (`services.listed_slots`): every write that changes a free time shows in
the next list, with the cache on; another process's cache never shows older data than the
database (the key holds the practice's booking version); a cached list costs the same queries
whatever its length; booking itself checks the database, never the cache."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.models import Membership, Practice
from lijfwijs.booking import offer, services
from lijfwijs.booking.models import AvailabilityException, Booking, WeeklyHours
from lijfwijs.core import datacache

from .conftest import NOW, TUESDAY, book_for
from .test_offer import type_form

LAST = TUESDAY + timedelta(days=6)  # Tuesday to Monday: the week the tests look at
AMSTERDAM_NINE = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Amsterdam


def listed(appointment_type, practitioner=None, first=TUESDAY, last=LAST):
    return {
        (slot.start, slot.practitioner_id)
        for slot in services.listed_slots(appointment_type, first, last, practitioner=practitioner)
    }


def truth(appointment_type, practitioner=None, first=TUESDAY, last=LAST):
    """The free times as the database says, without the cache."""
    return {
        (slot.start, slot.practitioner_id)
        for slot in services.free_slots(appointment_type, first, last, practitioner=practitioner)
    }


def cached_and_true(appointment_type, practitioner=None):
    """The list (from the cache when it holds it), after checking it equals the database's."""
    shown = listed(appointment_type, practitioner)
    assert shown == truth(appointment_type, practitioner)
    return shown


def overlapping(shown, booking):
    """The listed starts of the booking's practitioner that would overlap it (30 minutes)."""
    half_hour = timedelta(minutes=30)
    found = {
        (start, who)
        for start, who in shown
        if who == booking.practitioner_id and booking.start - half_hour < start < booking.end
    }
    assert (booking.start, booking.practitioner_id) in found
    return found


@pytest.fixture
def warm(frozen, advice_type, pieter, lotte):
    """The cache holds the week's list (everyone's and each practitioner's) before the write."""
    for who in (None, pieter, lotte):
        cached_and_true(advice_type, who)
    return advice_type


@pytest.fixture
def other_process(monkeypatch):
    """A second process: its own local-memory cache, switched to with `.enter()`."""

    class Process:
        def __init__(self):
            self.cache = LocMemCache("slot-cache-other-process", {})
            self.cache.clear()
            self.own = datacache.cache

        def enter(self):
            monkeypatch.setattr(datacache, "cache", self.cache)

        def leave(self):
            monkeypatch.setattr(datacache, "cache", self.own)

    return Process()


# --- every write path changes the next list ---------------------------------------------------


def test_a_booking_takes_its_time_off_the_list(warm, pieter):
    before = listed(warm)
    booking = book_for(warm, AMSTERDAM_NINE, name="Vera", email="vera@example.org")
    after = cached_and_true(warm)
    assert before - after == overlapping(before, booking)
    assert (AMSTERDAM_NINE, booking.practitioner_id) not in cached_and_true(warm, pieter)


def test_a_hold_that_expires_frees_its_time_without_a_write_and_confirming_takes_it(
    warm, frozen, pieter
):
    booking = book_for(warm, AMSTERDAM_NINE, name="Vera", email="vera@example.org")
    taken = (AMSTERDAM_NINE, booking.practitioner_id)
    assert taken not in cached_and_true(warm)
    version = Practice.objects.get(pk=warm.practice_id).booking_version
    frozen.tick(timedelta(minutes=services.HOLD_MINUTES, seconds=1))
    # Nothing was written, and yet the list shows the time free: the hold has expired.
    assert Practice.objects.get(pk=warm.practice_id).booking_version == version
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.HELD
    assert taken in cached_and_true(warm)
    services.confirm(booking)  # confirmed late: the time was still free, it is taken again
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert taken not in cached_and_true(warm)


def test_confirming_a_hold_and_releasing_expired_holds_raise_the_version(warm, frozen):
    booking = book_for(warm, AMSTERDAM_NINE, name="Vera", email="vera@example.org")
    practice = Practice.objects.get(pk=warm.practice_id)
    services.confirm(booking)
    assert Practice.objects.get(pk=practice.pk).booking_version == practice.booking_version + 1
    second = book_for(
        warm, AMSTERDAM_NINE + timedelta(hours=1), name="Wim", email="wim@example.org"
    )
    taken = (second.start, second.practitioner_id)
    assert taken not in cached_and_true(warm)
    frozen.tick(timedelta(minutes=services.HOLD_MINUTES + 1))
    assert services.release_expired_holds() == 1
    assert taken in cached_and_true(warm)


def test_cancelling_gives_the_time_back(warm, anna_client):
    booking = book_for(warm, AMSTERDAM_NINE, client=anna_client)
    taken = (AMSTERDAM_NINE, booking.practitioner_id)
    assert taken not in cached_and_true(warm)
    services.cancel(booking, by="client")
    assert taken in cached_and_true(warm)


def test_rescheduling_frees_the_old_time_and_takes_the_new(warm, anna_client):
    booking = book_for(warm, AMSTERDAM_NINE, client=anna_client)
    who = booking.practitioner_id
    later = AMSTERDAM_NINE + timedelta(hours=2)
    assert (AMSTERDAM_NINE, who) not in cached_and_true(warm)
    assert (later, who) in listed(warm)
    services.reschedule(booking, later, by="client")
    shown = cached_and_true(warm)
    assert (AMSTERDAM_NINE, who) in shown
    assert (later, who) not in shown


def test_marking_a_past_appointment_raises_the_version(warm, frozen, anna_client):
    booking = book_for(warm, AMSTERDAM_NINE, client=anna_client)
    frozen.move_to(AMSTERDAM_NINE + timedelta(minutes=40))
    version = Practice.objects.get(pk=warm.practice_id).booking_version
    services.mark(booking, Booking.Status.DONE)
    assert Practice.objects.get(pk=warm.practice_id).booking_version == version + 1
    cached_and_true(warm)


def test_blocking_and_unblocking_time(warm, pieter, lotte):
    before = cached_and_true(warm, pieter)
    until = AMSTERDAM_NINE + timedelta(hours=2)
    block = services.block_time(pieter, AMSTERDAM_NINE, until, note="Scholing")
    blocked = cached_and_true(warm, pieter)
    removed = {start for start, _who in before - blocked}
    assert removed == {start for start, _who in before if AMSTERDAM_NINE <= start < until}
    assert len(removed) >= 4
    everyone = cached_and_true(warm)
    assert (AMSTERDAM_NINE, lotte.pk) in everyone  # Lotte is still free then
    assert (AMSTERDAM_NINE, pieter.pk) not in everyone
    services.unblock(block)
    assert cached_and_true(warm, pieter) == before


def test_editing_the_type_changes_its_times(warm, pieter, lotte, pieter_browser):
    before = cached_and_true(warm, pieter)
    version = Practice.objects.get(pk=warm.practice_id).booking_version
    page = pieter_browser.post(
        f"/praktijk/aanbod/{warm.pk}/",
        type_form([pieter, lotte], name="Adviesgesprek", duration_minutes="60", is_free="on"),
    )
    assert page.status_code == 302
    warm.refresh_from_db()
    assert Practice.objects.get(pk=warm.practice_id).booking_version == version + 1
    after = cached_and_true(warm, pieter)
    # An hour long: the last start of a 09:00-17:00 day is 16:00, no longer 16:30.
    last_half_hour = datetime(2026, 12, 8, 15, 30, tzinfo=UTC)
    assert (last_half_hour, pieter.pk) in before
    assert (last_half_hour, pieter.pk) not in after


def test_switching_the_type_off_raises_the_version(warm, pieter_browser):
    version = Practice.objects.get(pk=warm.practice_id).booking_version
    pieter_browser.post(f"/praktijk/aanbod/{warm.pk}/actief/", {"actief": "0"})
    assert Practice.objects.get(pk=warm.practice_id).booking_version == version + 1


def test_removing_a_practitioner_from_the_type_takes_their_times_off(
    warm, pieter, lotte, pieter_browser
):
    assert any(who == lotte.pk for _start, who in listed(warm))
    pieter_browser.post(f"/praktijk/aanbod/{warm.pk}/", type_form([pieter], name="Advies"))
    warm.refresh_from_db()
    assert {who for _start, who in cached_and_true(warm)} == {pieter.pk}


def test_a_practitioner_who_leaves_the_practice_is_no_longer_listed(warm, pieter, lotte):
    assert any(who == lotte.pk for _start, who in listed(warm))
    Membership.objects.filter(user=lotte).delete()  # the key holds who gives the type
    assert {who for _start, who in cached_and_true(warm)} == {pieter.pk}


def test_weekly_hours_added_and_removed(warm, lotte, lotte_browser):
    saturday = date(2026, 12, 12)
    assert not [s for s, who in listed(warm, lotte) if s.date() == saturday]
    lotte_browser.post("/praktijk/aanbod/uren/", {"weekday": "5", "start": "10:00", "end": "12:00"})
    added = {s for s, _who in cached_and_true(warm, lotte) if s.date() == saturday}
    assert min(added) == datetime(2026, 12, 12, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
    assert max(added) == datetime(2026, 12, 12, 10, 30, tzinfo=UTC)  # the last half hour
    row = WeeklyHours.objects.get(practitioner=lotte, weekday=5)
    lotte_browser.post(f"/praktijk/aanbod/uren/{row.pk}/verwijderen/")
    assert not [s for s, _who in cached_and_true(warm, lotte) if s.date() == saturday]


def test_adding_hours_through_the_service_merges_and_raises_the_version(warm, lotte):
    version = Practice.objects.get(pk=warm.practice_id).booking_version
    offer.add_hours(lotte.membership.practice, lotte, 0, time(16, 0), time(19, 0))
    assert Practice.objects.get(pk=warm.practice_id).booking_version == version + 1
    cached_and_true(warm, lotte)


def test_an_exception_added_and_removed(warm, pieter, pieter_browser):
    tuesday = {s for s, who in listed(warm, pieter) if s.date() == TUESDAY}
    assert tuesday
    pieter_browser.post(
        "/praktijk/aanbod/uitzonderingen/",
        {"kind": "vrij", "first_day": "2026-12-08", "last_day": "2026-12-08", "note": "Cursus"},
    )
    assert not [s for s, _who in cached_and_true(warm, pieter) if s.date() == TUESDAY]
    row = AvailabilityException.objects.get(practitioner=pieter)
    pieter_browser.post(f"/praktijk/aanbod/uitzonderingen/{row.pk}/verwijderen/")
    assert {s for s, _who in cached_and_true(warm, pieter) if s.date() == TUESDAY} == tuesday


def test_a_deleted_client_account_gives_its_times_back(warm, anna_client):
    booking = book_for(warm, AMSTERDAM_NINE, client=anna_client)
    taken = (AMSTERDAM_NINE, booking.practitioner_id)
    assert taken not in cached_and_true(warm)
    account_services.delete_account(anna_client)
    assert not Booking.objects.filter(pk=booking.pk).exists()
    assert taken in cached_and_true(warm)


# --- time, processes, queries -----------------------------------------------------------------


def test_the_notice_is_applied_when_the_list_is_read(warm, frozen):
    first = min(start for start, _who in listed(warm))
    assert first == AMSTERDAM_NINE  # 12 hours of notice from Monday 08:00
    frozen.move_to(datetime(2026, 12, 7, 21, 0, tzinfo=UTC))  # Monday 22:00: no write
    assert min(start for start, _who in cached_and_true(warm)) == AMSTERDAM_NINE + timedelta(
        hours=1
    )


def test_another_process_never_shows_older_data_than_the_database(warm, other_process, pieter):
    other_process.enter()
    old = listed(warm)  # the other process caches the list too
    other_process.leave()
    booking = book_for(warm, AMSTERDAM_NINE, name="Vera", email="vera@example.org")
    other_process.enter()
    shown = listed(warm)
    assert shown == truth(warm)
    assert old - shown == overlapping(old, booking)
    services.cancel(booking, by="practice")  # written while this process is the one running
    other_process.leave()
    assert listed(warm) == old == truth(warm)  # the first process, too, sees the cancellation


def test_a_fresh_cache_after_a_write_reads_what_the_database_holds(warm, other_process, lotte):
    services.block_time(lotte, AMSTERDAM_NINE, AMSTERDAM_NINE + timedelta(hours=8))
    other_process.enter()
    assert listed(warm, lotte) == truth(warm, lotte)
    assert not [s for s, _who in listed(warm, lotte) if s.date() == TUESDAY]


def test_a_cached_list_costs_the_same_queries_whatever_its_length(frozen, advice_type, pieter):
    for hour in range(9, 16):
        services.block_time(
            pieter,
            datetime(2026, 12, 9, hour - 1, 0, tzinfo=UTC),
            datetime(2026, 12, 9, hour - 1, 15, tzinfo=UTC),
        )
    counts = []
    for last in (TUESDAY, TUESDAY + timedelta(days=29)):
        listed(advice_type, last=last)  # computed and kept
        with CaptureQueriesContext(connection) as queries:
            assert listed(advice_type, last=last) == truth(advice_type, last=last)
        with CaptureQueriesContext(connection) as cached:
            listed(advice_type, last=last)
        counts.append(len(cached))
    # Who gives the type and the practice's version: nothing more, for a day or a month.
    assert counts == [2, 2]
    assert len(queries) > 2  # the truth read the database


def test_booking_checks_the_database_never_the_cache(warm, monkeypatch, anna_client):
    def no_cache(*args, **kwargs):
        raise AssertionError("booking read the cache")

    monkeypatch.setattr(datacache, "for_practice", no_cache)
    assert services.free_at(warm, AMSTERDAM_NINE)
    booking = book_for(warm, AMSTERDAM_NINE, client=anna_client)
    services.reschedule(booking, AMSTERDAM_NINE + timedelta(hours=1), by="practice")
    with pytest.raises(services.SlotTaken):
        services.book(
            warm,
            AMSTERDAM_NINE + timedelta(hours=1),
            services.Who(client=anna_client),
            origin=Booking.Origin.CLIENT,
            practitioner=booking.practitioner,
        )


def test_the_list_is_the_same_as_the_databases_with_holds_buffers_and_exceptions(
    frozen, session_type, advice_type, pieter, lotte, anna_client
):
    """The column-only loading gives what the services computed before: one mixed week."""
    book_for(session_type, AMSTERDAM_NINE, client=anna_client)
    book_for(advice_type, AMSTERDAM_NINE + timedelta(days=1), name="Vera", email="v@example.org")
    AvailabilityException.objects.create(
        practice=lotte.membership.practice,
        practitioner=lotte,
        first_day=date(2026, 12, 10),
        last_day=date(2026, 12, 10),
        start=time(12, 0),
        end=time(14, 0),
    )
    AvailabilityException.objects.create(
        practice=lotte.membership.practice,
        practitioner=lotte,
        first_day=date(2026, 12, 12),
        last_day=date(2026, 12, 12),
        opens=True,
        start=time(10, 0),
        end=time(11, 0),
    )
    people = services.availability(
        lotte.membership.practice, [pieter.pk, lotte.pk], TUESDAY, LAST, now=NOW
    )
    assert all(b.start.utcoffset() == timedelta(0) for p in people for b in p.busy)
    assert [len(p.busy) for p in people] == [1, 1]
    assert all(isinstance(w.start, time) for p in people for w in p.weekly)
    assert [len(p.exceptions) for p in people] == [0, 2]
    for kind in (session_type, advice_type):
        for who in (None, pieter, lotte) if kind == advice_type else (None, pieter):
            assert listed(kind, who) == truth(kind, who)
            assert listed(kind, who)


def test_the_api_rows_are_the_free_slots_one_per_start_in_local_time(warm, pieter, lotte):
    booking = book_for(warm, AMSTERDAM_NINE, name="Vera", email="vera@example.org")
    for _ in range(2):  # computed, then from the cache
        rows = services.listed_times(warm, TUESDAY, LAST)
        expected: dict[datetime, list[int]] = {}
        for slot in services.free_slots(warm, TUESDAY, LAST):
            expected.setdefault(slot.start, []).append(slot.practitioner_id)
        assert [(datetime.fromisoformat(start), list(ids)) for start, _end, ids in rows] == list(
            expected.items()
        )
        assert rows[0][0] == "2026-12-08T09:00:00+01:00"
        assert rows[0][1] == "2026-12-08T09:30:00+01:00"
        assert rows[0][2] == tuple(sorted({pieter.pk, lotte.pk} - {booking.practitioner_id}))
