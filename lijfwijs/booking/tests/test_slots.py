"""Tests of the slots core (lijfwijs/booking/slots.py): plain data, no database.

An independent brute-force oracle walks every UTC minute and decides from the words of the rules
(the module docstring of slots.py) whether that minute is an offered start; hypothesis compares it
with `free_slots` over weekly hours, exceptions, busy spans, buffers, steps, notice and horizon,
on dates around the DST changes of 2026 and 2027 in several zones. Explicit examples pin the
spring-forward and autumn nights, a normal week, holidays, extra hours, buffers, notice,
horizon, `nearest`, `is_free` and invalid input; a month for five practitioners with 2,000 busy
spans is checked against the oracle on sample days.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone
from itertools import accumulate
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.booking.slots import (
    Busy,
    DateException,
    Practitioner,
    Rules,
    Slot,
    Window,
    free_slots,
    is_free,
    local_day_bounds,
    nearest,
    occupied,
)

AMS = "Europe/Amsterdam"
MINUTE = timedelta(minutes=1)
NOW = datetime(2026, 1, 1, tzinfo=UTC)  # far enough before every example date
HUGE = 3650  # a horizon that never limits

# The dates on which each zone's UTC offset changes in 2026 and 2027 (checked below).
DST_DATES = {
    AMS: [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)],
    "America/New_York": [
        date(2026, 3, 8),
        date(2026, 11, 1),
        date(2027, 3, 14),
        date(2027, 11, 7),
    ],
    # Half-hour changes at 02:00.
    "Australia/Lord_Howe": [
        date(2026, 4, 5),
        date(2026, 10, 4),
        date(2027, 4, 4),
        date(2027, 10, 3),
    ],
    # Changes at midnight: the spring gap swallows 00:00, the autumn fold repeats 23:xx.
    "America/Santiago": [
        date(2026, 4, 5),
        date(2026, 9, 6),
        date(2027, 4, 4),
        date(2027, 9, 5),
    ],
    "Asia/Kolkata": [date(2026, 3, 29), date(2026, 10, 25)],  # no DST; a half-hour offset
}

# The root conftest has a function-scoped autouse fixture (cache clearing) that does not touch
# these pure tests. The number of examples comes from the hypothesis profile (conftest.py).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def at(zone: str, day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    """The UTC instant of a local wall-clock time."""
    local = datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).replace(fold=fold)
    return local.astimezone(UTC)


def local_starts(found: Sequence[Slot], zone: str = AMS) -> list[str]:
    return [s.start.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") for s in found]


# --- the oracle ---------------------------------------------------------------------------------


def open_runs(person: Practitioner, day: date) -> list[tuple[int, int]]:
    """The open intervals of a local date, as minutes of the day, from a minute-by-minute map:
    weekly windows and extra hours switch minutes on, closed exceptions switch them off; the
    intervals are the maximal runs of open minutes (so overlapping or touching hours merge)."""

    def minute(t: time) -> int:
        return t.hour * 60 + t.minute

    open_minutes = [False] * 1440
    parts = [(w.start, w.end) for w in person.weekly if w.weekday == day.weekday()]
    covering = [e for e in person.exceptions if e.first_day <= day <= e.last_day]
    parts += [(e.start, e.end) for e in covering if e.opens]
    for start, end in parts:
        for m in range(minute(start), minute(end)):
            open_minutes[m] = True
    for e in covering:
        if not e.opens:
            first, last = (0, 1440) if e.start is None else (minute(e.start), minute(e.end))
            for m in range(first, last):
                open_minutes[m] = False
    runs = []
    m = 0
    while m < 1440:
        if open_minutes[m]:
            first = m
            while m < 1440 and open_minutes[m]:
                m += 1
            runs.append((first, m))
        else:
            m += 1
    return runs


def oracle(
    people: Sequence[Practitioner],
    rules: Rules,
    zone: str,
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[tuple[datetime, int]]:
    """Every (start, practitioner id) offered, found by walking every UTC minute of the days."""
    tz = ZoneInfo(zone)
    latest_day = now.astimezone(tz).date() + timedelta(days=rules.horizon_days)
    duration = timedelta(minutes=rules.duration)
    before = timedelta(minutes=rules.buffer_before)
    after = timedelta(minutes=rules.buffer_after)
    earliest = now + timedelta(minutes=rules.min_notice)
    runs: dict[tuple[int, date], list[tuple[int, int]]] = {}

    def instant(day: date, minute: int) -> datetime:
        wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
        return wall.astimezone(UTC)  # fold=0: a gap time moves on, an ambiguous one is the first

    found = []
    moment = datetime.combine(first_day, time(0), tzinfo=UTC) - timedelta(hours=15)
    stop = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC) + timedelta(hours=15)
    while moment < stop:
        local = moment.astimezone(tz)
        day = local.date()
        minute = local.hour * 60 + local.minute
        if (
            first_day <= day <= last_day
            and day <= latest_day
            and moment >= earliest
            # This minute is the wall-clock time's fold=0 instant (not its second occurrence).
            and instant(day, minute) == moment
        ):
            for person in people:
                key = (person.id, day)
                if key not in runs:
                    runs[key] = open_runs(person, day)
                for a, b in runs[key]:
                    if not (a <= minute < b and (minute - a) % rules.step == 0):
                        continue
                    if not (instant(day, a) <= moment and moment + duration <= instant(day, b)):
                        continue
                    lo, hi = moment - before, moment + duration + after
                    if any(busy.start < hi and lo < busy.end for busy in person.busy):
                        continue
                    found.append((moment, person.id))
        moment += MINUTE
    return sorted(found)


def pairs(found: Sequence[Slot]) -> list[tuple[datetime, int]]:
    return [(s.start, s.practitioner_id) for s in found]


# --- hypothesis: the core against the oracle ----------------------------------------------------


@st.composite
def wall_part(draw: st.DrawFn) -> tuple[time, time]:
    """A [start, end) of wall-clock time: often a night part across the DST hours (00:00-03:00
    in these zones), often on five-minute marks (so that parts touch and grids differ)."""
    grain = draw(st.sampled_from([5, 5, 1]))
    if draw(st.booleans()):
        start = draw(st.integers(0, 150 // grain)) * grain
        end = draw(st.integers(start // grain + 1, 420 // grain)) * grain
    else:
        start = draw(st.integers(0, 1439 // grain - 1)) * grain
        end = draw(st.integers(start // grain + 1, 1439 // grain)) * grain
    return time(start // 60, start % 60), time(end // 60, end % 60)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Practitioner], Rules, str, date, date, datetime]:
    zone = draw(st.sampled_from(sorted(DST_DATES)))
    base = draw(st.sampled_from(DST_DATES[zone]))
    # Mostly a range that holds the day of the change, sometimes one next to it.
    first_day = base + timedelta(days=draw(st.one_of(st.integers(-1, 0), st.integers(-3, 1))))
    last_day = first_day + timedelta(days=draw(st.integers(0, 2)))
    around = datetime.combine(first_day, time(0), tzinfo=UTC) - timedelta(hours=16)
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    people = []
    for pid in draw(st.sets(st.integers(1, 9), min_size=1, max_size=3)):
        weekly = []
        for start, end in draw(st.lists(wall_part(), min_size=1, max_size=3)):
            parts = [(start, end)]
            middle = draw(st.sampled_from([None, 15, 30, 60]))
            cut = (datetime.combine(base, start) + timedelta(minutes=middle or 0)).time()
            if middle and start < cut < end:
                parts = [(start, cut), (cut, end)]  # two windows that touch: one interval
            if draw(st.booleans()):
                weekdays = list(range(7))
            else:
                weekdays = [draw(st.sampled_from([d.weekday() for d in days] + [0, 6]))]
            weekly += [Window(wd, a, b) for wd in weekdays for a, b in parts]
        exceptions = []
        for _ in range(draw(st.integers(0, 3))):
            first = base + timedelta(days=draw(st.integers(-2, 2)))
            last = first + timedelta(days=draw(st.integers(0, 1)))
            opens = draw(st.booleans())
            if opens or draw(st.booleans()):
                start, end = draw(wall_part())
                exceptions.append(DateException(first, last, opens, start, end))
            else:
                exceptions.append(DateException(first, last, False))
        busy = []
        for _ in range(draw(st.integers(0, 6))):
            # On five-minute marks most of the time, so that spans touch candidates' buffers.
            grain = draw(st.sampled_from([5, 5, 1]))
            start = around + draw(st.integers(0, (len(days) + 1) * 1440 // grain)) * grain * MINUTE
            busy.append(Busy(start, start + draw(st.integers(1, 240 // grain)) * grain * MINUTE))
        people.append(Practitioner(pid, tuple(weekly), tuple(exceptions), tuple(busy)))
    rules = Rules(
        duration=draw(st.one_of(st.integers(1, 180), st.sampled_from([30, 60]))),
        buffer_before=draw(st.sampled_from([0, 0, 5, 15, 45])),
        buffer_after=draw(st.sampled_from([0, 0, 10, 30, 61])),
        step=draw(st.sampled_from([5, 7, 10, 15, 20, 30, 45, 60])),
        min_notice=draw(st.sampled_from([0, 0, 30, 90, 24 * 60])),
        horizon_days=draw(st.one_of(st.just(30), st.integers(0, 4))),
    )
    # now: mostly before the range (the horizon reaching into it or not), sometimes inside it
    # (the notice cutting a day), at any second.
    now = (
        around
        + timedelta(hours=16)
        + draw(
            st.one_of(
                st.integers(-3 * 86400, 0),
                st.integers(-4 * 86400, 3 * 86400),
            )
        )
        * timedelta(seconds=1)
    )
    return people, rules, zone, first_day, last_day, now


@SETTINGS
@given(scenarios())
def test_free_slots_agree_with_the_minute_by_minute_oracle(scenario):
    people, rules, zone, first_day, last_day, now = scenario
    found = free_slots(people, rules, zone, first_day, last_day, now)
    assert pairs(found) == oracle(people, rules, zone, first_day, last_day, now)
    for slot in found:
        assert slot.start.utcoffset() == timedelta(0)
        assert slot.end - slot.start == timedelta(minutes=rules.duration)


@SETTINGS
@given(scenarios(), st.data())
def test_is_free_agrees_with_free_slots(scenario, data):
    people, rules, zone, first_day, last_day, now = scenario
    person = people[0]
    found = {s.start for s in free_slots([person], rules, zone, first_day, last_day, now)}
    for start in found:
        assert is_free(person, rules, zone, start, now)
    # Arbitrary minutes of the range: free exactly when free_slots over their day offers them.
    lo, _ = local_day_bounds(first_day, zone)
    for _ in range(10):
        start = lo + data.draw(st.integers(0, 3 * 1440)) * MINUTE
        day = start.astimezone(ZoneInfo(zone)).date()
        expected = any(s.start == start for s in free_slots([person], rules, zone, day, day, now))
        assert is_free(person, rules, zone, start, now) is expected
        if not first_day <= day <= last_day:
            continue
        assert expected is (start in found)


@SETTINGS
@given(scenarios())
def test_free_slots_are_sorted_and_free(scenario):
    people, rules, zone, first_day, last_day, now = scenario
    found = free_slots(people, rules, zone, first_day, last_day, now)
    assert found == sorted(found, key=lambda s: (s.start, s.practitioner_id))
    assert len(set(pairs(found))) == len(found)
    by_id = {p.id: p for p in people}
    for slot in found:
        taken = occupied(slot.start, rules)
        assert not any(
            b.start < taken.end and taken.start < b.end for b in by_id[slot.practitioner_id].busy
        )
    # One practitioner at a time gives the same slots.
    for person in people:
        alone = free_slots([person], rules, zone, first_day, last_day, now)
        assert alone == [s for s in found if s.practitioner_id == person.id]


def test_the_dst_dates_are_where_the_offsets_change():
    for zone, days in DST_DATES.items():
        tz = ZoneInfo(zone)
        for day in days:
            before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=tz).utcoffset()
            after = datetime.combine(day, time(12), tzinfo=tz).utcoffset()
            assert (before != after) is (zone != "Asia/Kolkata"), (zone, day)


# --- explicit examples ---------------------------------------------------------------------------


def rules_for(duration: int, **rest: int) -> Rules:
    """Rules with a horizon that never limits unless a test sets one."""
    return Rules(duration, **{"horizon_days": HUGE, **rest})


def sunday_night(day: date) -> Practitioner:
    return Practitioner(1, (Window(day.weekday(), time(1), time(4)),))


def test_spring_forward_night_has_no_2_oclock_and_two_real_hours():
    day = date(2026, 3, 29)
    found = free_slots([sunday_night(day)], rules_for(duration=60), AMS, day, day, NOW)
    assert local_starts(found) == ["Sun 01:00", "Sun 01:15", "Sun 01:30", "Sun 01:45", "Sun 03:00"]
    assert [s.start for s in found] == [
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 15, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 0, 45, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]
    # 01:00-04:00 is two real hours: a two-hour session fits exactly once, a longer one never.
    (whole,) = free_slots([sunday_night(day)], rules_for(duration=120), AMS, day, day, NOW)
    assert whole.start == at(AMS, day, 1)
    assert whole.end == at(AMS, day, 4)
    assert (
        free_slots([sunday_night(day)], rules_for(duration=121, step=1), AMS, day, day, NOW) == []
    )


def test_autumn_night_offers_the_repeated_hour_once():
    day = date(2026, 10, 25)
    found = free_slots([sunday_night(day)], rules_for(duration=30, step=30), AMS, day, day, NOW)
    assert local_starts(found) == [
        "Sun 01:00",
        "Sun 01:30",
        "Sun 02:00",
        "Sun 02:30",
        "Sun 03:00",
        "Sun 03:30",
    ]
    half_past_two = [s for s in found if s.start.astimezone(ZoneInfo(AMS)).hour == 2]
    # 02:30 once, at its first occurrence (summer time, 00:30 UTC), not at 01:30 UTC.
    assert [s.start for s in half_past_two] == [
        datetime(2026, 10, 25, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    ]
    # The window is four real hours long.
    (whole,) = free_slots([sunday_night(day)], rules_for(duration=240), AMS, day, day, NOW)
    assert whole.end - whole.start == timedelta(hours=4)
    assert whole.end == at(AMS, day, 4)


def office_hours(
    pid: int = 1, *exceptions: DateException, busy: Sequence[Busy] = ()
) -> Practitioner:
    weekly = tuple(
        Window(weekday, start, end)
        for weekday in range(5)
        for start, end in ((time(9), time(12)), (time(13), time(17)))
    )
    return Practitioner(pid, weekly, exceptions, tuple(busy))


MONDAY = date(2026, 12, 7)


def test_a_week_of_normal_hours():
    rules = rules_for(duration=45)
    found = free_slots([office_hours()], rules, AMS, MONDAY, MONDAY + timedelta(days=6), NOW)
    # Mornings 09:00-11:15 (10 starts), afternoons 13:00-16:15 (14 starts), Monday to Friday.
    assert len(found) == 5 * 24
    monday = local_starts(found[:24])
    assert monday[:3] == ["Mon 09:00", "Mon 09:15", "Mon 09:30"]
    assert monday[9:11] == ["Mon 11:15", "Mon 13:00"]
    assert monday[-1] == "Mon 16:15"
    assert found[0].start == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert found[0].end == datetime(2026, 12, 7, 8, 45, tzinfo=UTC)
    assert {s.start.astimezone(ZoneInfo(AMS)).weekday() for s in found} == {0, 1, 2, 3, 4}


def test_two_practitioners_are_interleaved_by_start_then_id():
    rules = rules_for(duration=60, step=60)
    found = free_slots([office_hours(7), office_hours(3)], rules, AMS, MONDAY, MONDAY, NOW)
    assert [s.practitioner_id for s in found[:4]] == [3, 7, 3, 7]
    assert found[0].start == found[1].start


def test_a_holiday_and_a_closed_morning_hour():
    christmas = date(2026, 12, 25)
    person = office_hours(
        1,
        DateException(christmas, christmas + timedelta(days=1), False),
        DateException(date(2026, 12, 24), date(2026, 12, 24), False, time(10), time(11)),
    )
    rules = rules_for(duration=45)
    found = free_slots([person], rules, AMS, date(2026, 12, 24), christmas, NOW)
    # Christmas (a Friday) is closed; on the 24th 10:00-11:00 is cut out of the morning, which
    # leaves 09:00-10:00 and 11:00-12:00.
    assert local_starts(found)[:5] == [
        "Thu 09:00",
        "Thu 09:15",
        "Thu 11:00",
        "Thu 11:15",
        "Thu 13:00",
    ]
    assert all(s.start.astimezone(ZoneInfo(AMS)).date() != christmas for s in found)


def test_extra_hours_open_a_saturday_and_merge_with_touching_hours():
    saturday = MONDAY + timedelta(days=5)
    person = Practitioner(
        1,
        (Window(0, time(9), time(10)),),
        (
            DateException(saturday, saturday, True, time(10), time(12)),
            DateException(MONDAY, MONDAY, True, time(10), time(11)),
        ),
    )
    rules = rules_for(duration=20, step=25)
    found = free_slots([person], rules, AMS, MONDAY, saturday, NOW)
    # Monday 09:00-10:00 and the extra 10:00-11:00 touch: one interval, one grid from 09:00.
    assert local_starts(found) == [
        "Mon 09:00",
        "Mon 09:25",
        "Mon 09:50",
        "Mon 10:15",
        "Mon 10:40",
        "Sat 10:00",
        "Sat 10:25",
        "Sat 10:50",
        "Sat 11:15",
        "Sat 11:40",
    ]


def test_buffers_keep_the_times_next_to_a_booking_free():
    busy = Busy(at(AMS, MONDAY, 10), at(AMS, MONDAY, 11))
    person = Practitioner(1, (Window(0, time(9), time(13)),), busy=(busy,))
    rules = rules_for(duration=30, buffer_before=15, buffer_after=15)
    found = free_slots([person], rules, AMS, MONDAY, MONDAY, NOW)
    # [s - 15, s + 45) must miss 10:00-11:00: s <= 09:15 or s >= 11:15. The buffer before 09:00
    # lies outside opening hours, which is allowed.
    assert local_starts(found) == [
        "Mon 09:00",
        "Mon 09:15",
        "Mon 11:15",
        "Mon 11:30",
        "Mon 11:45",
        "Mon 12:00",
        "Mon 12:15",
        "Mon 12:30",
    ]
    assert occupied(at(AMS, MONDAY, 9, 15), rules) == Busy(at(AMS, MONDAY, 9), at(AMS, MONDAY, 10))
    # Touching is not overlapping: without buffers, 09:30 (ending 10:00) and 11:00 are free.
    plain = local_starts(free_slots([person], rules_for(duration=30), AMS, MONDAY, MONDAY, NOW))
    assert "Mon 09:30" in plain and "Mon 11:00" in plain and "Mon 09:45" not in plain


def test_minimum_notice():
    now = at(AMS, MONDAY, 9, 7)
    found = free_slots(
        [office_hours()], rules_for(duration=30, min_notice=60), AMS, MONDAY, MONDAY, now
    )
    assert local_starts(found)[0] == "Mon 10:15"
    # Exactly now + notice is allowed.
    found = free_slots(
        [office_hours()], rules_for(duration=30, min_notice=53), AMS, MONDAY, MONDAY, now
    )
    assert local_starts(found)[0] == "Mon 10:00"


def test_horizon_counts_local_dates():
    person = Practitioner(1, tuple(Window(d, time(9), time(10)) for d in range(7)))
    rules = rules_for(duration=60, horizon_days=2)
    # 23:30 UTC on 3 December is already 4 December in Amsterdam: the last date is the 6th.
    now = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    found = free_slots([person], rules, AMS, date(2026, 12, 1), date(2026, 12, 10), now)
    assert [s.start.astimezone(ZoneInfo(AMS)).day for s in found] == [4, 5, 6]
    # Horizon 0: only today (the local date of now), from the first start after now.
    found = free_slots(
        [person], rules_for(60, horizon_days=0), AMS, date(2026, 12, 3), date(2026, 12, 5), now
    )
    assert [s.start.astimezone(ZoneInfo(AMS)).day for s in found] == [4]


def test_is_free_matches_the_days_slots():
    busy = Busy(at(AMS, MONDAY, 10), at(AMS, MONDAY, 11))
    person = office_hours(busy=[busy])
    rules = rules_for(duration=30, buffer_after=15)
    assert is_free(person, rules, AMS, at(AMS, MONDAY, 9), NOW)
    assert is_free(person, rules, AMS, at(AMS, MONDAY, 9, 15), NOW)
    assert not is_free(person, rules, AMS, at(AMS, MONDAY, 9, 30), NOW)  # its buffer hits 10:00
    assert not is_free(person, rules, AMS, at(AMS, MONDAY, 9, 5), NOW)  # not on the grid
    assert not is_free(person, rules, AMS, at(AMS, MONDAY, 12), NOW)  # lunch
    assert not is_free(person, rules, AMS, at(AMS, MONDAY, 9), at(AMS, MONDAY, 9, 1))  # past
    # Any aware zone for the start.
    assert is_free(person, rules, AMS, at(AMS, MONDAY, 9).astimezone(ZoneInfo("Asia/Tokyo")), NOW)
    autumn = date(2026, 10, 25)
    night = sunday_night(autumn)
    assert is_free(night, rules_for(duration=30), AMS, at(AMS, autumn, 2, 30, fold=0), NOW)
    assert not is_free(night, rules_for(duration=30), AMS, at(AMS, autumn, 2, 30, fold=1), NOW)


def slot(hour: int, minute: int, pid: int) -> Slot:
    start = at(AMS, MONDAY, hour, minute)
    return Slot(start, start + timedelta(minutes=30), pid)


def test_nearest_one_per_time_closest_first_then_by_start():
    found = [
        slot(9, 0, 2),
        slot(9, 0, 1),
        slot(10, 0, 3),
        slot(10, 30, 1),
        slot(11, 0, 2),
        slot(11, 0, 1),
        slot(14, 0, 1),
    ]
    wanted = at(AMS, MONDAY, 10, 45)
    assert nearest(found, wanted) == [slot(10, 0, 3), slot(10, 30, 1), slot(11, 0, 1)]
    # From 10:00: 10:00, then 10:30, then a tie between 09:00 and 11:00 (an hour either side),
    # which goes to the earlier start.
    assert nearest(found, at(AMS, MONDAY, 10), count=3) == [
        slot(9, 0, 1),
        slot(10, 0, 3),
        slot(10, 30, 1),
    ]
    assert nearest(found, at(AMS, MONDAY, 10), count=4) == [
        slot(9, 0, 1),
        slot(10, 0, 3),
        slot(10, 30, 1),
        slot(11, 0, 1),
    ]
    assert nearest(found, wanted, count=0) == []
    assert nearest([], wanted) == []
    assert nearest(found, at(AMS, MONDAY, 23), count=1) == [slot(14, 0, 1)]


def test_local_day_bounds_follow_the_local_day():
    spring_start, spring_end = local_day_bounds(date(2026, 3, 29), AMS)
    assert spring_start == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert spring_end - spring_start == timedelta(hours=23)
    autumn_start, autumn_end = local_day_bounds(date(2026, 10, 25), AMS)
    assert autumn_end - autumn_start == timedelta(hours=25)
    # Santiago: midnight of 6 September 2026 does not exist; the day starts at 01:00.
    start, end = local_day_bounds(date(2026, 9, 6), "America/Santiago")
    assert start.astimezone(ZoneInfo("America/Santiago")).time() == time(1)
    assert end - start == timedelta(hours=23)
    start, end = local_day_bounds(date(2026, 12, 3), "Asia/Kolkata")
    assert start == datetime(2026, 12, 2, 18, 30, tzinfo=UTC)


def test_a_window_starting_in_the_spring_gap_starts_where_the_gap_ends():
    # 02:30 on 29 March 2026 does not exist; by fold=0 the window begins at 03:30 summer time.
    day = date(2026, 3, 29)
    person = Practitioner(1, (Window(6, time(2, 30), time(5)),))
    found = free_slots([person], rules_for(duration=30, step=30), AMS, day, day, NOW)
    assert local_starts(found) == ["Sun 03:30", "Sun 04:00", "Sun 04:30"]


def test_midnight_in_the_gap_in_santiago():
    zone = "America/Santiago"
    day = date(2026, 9, 6)  # 00:00 -> 01:00
    person = Practitioner(1, (Window(day.weekday(), time(0), time(2)),))
    found = free_slots([person], rules_for(duration=30), zone, day, day, NOW)
    assert local_starts(found, zone) == ["Sun 01:00", "Sun 01:15", "Sun 01:30"]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Window(7, time(9), time(10)),
        lambda: Window(0, time(10), time(10)),
        lambda: Window(0, time(11), time(10)),
        lambda: Window(0, time(9, tzinfo=UTC), time(10)),
        lambda: DateException(date(2026, 1, 2), date(2026, 1, 1), False),
        lambda: DateException(date(2026, 1, 1), date(2026, 1, 1), True),
        lambda: DateException(date(2026, 1, 1), date(2026, 1, 1), False, time(9)),
        lambda: DateException(date(2026, 1, 1), date(2026, 1, 1), True, time(9), time(8)),
        lambda: Busy(datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 10, tzinfo=UTC)),  # noqa: DTZ001
        lambda: Busy(datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 9, tzinfo=UTC)),
        lambda: Rules(duration=0),
        lambda: Rules(duration=30, step=0),
        lambda: Rules(duration=30, step=-15),
        lambda: Rules(duration=30, buffer_before=-5),
        lambda: Rules(duration=30, min_notice=-1),
        lambda: Rules(duration=30, horizon_days=-1),
        lambda: free_slots([office_hours()], Rules(30), AMS, MONDAY, MONDAY, datetime(2026, 1, 1)),  # noqa: DTZ001
        lambda: free_slots([office_hours()], Rules(30), "Europe/Lijfwijs", MONDAY, MONDAY, NOW),
        lambda: free_slots([office_hours()], Rules(30), "", MONDAY, MONDAY, NOW),
        lambda: free_slots([office_hours()], Rules(30), "../etc/passwd", MONDAY, MONDAY, NOW),
        lambda: free_slots(
            [office_hours()], Rules(30), AMS, MONDAY, MONDAY - timedelta(days=1), NOW
        ),
        lambda: free_slots([office_hours(1), office_hours(1)], Rules(30), AMS, MONDAY, MONDAY, NOW),
        lambda: is_free(office_hours(), Rules(30), AMS, datetime(2026, 12, 7, 9), NOW),  # noqa: DTZ001
        lambda: occupied(datetime(2026, 12, 7, 9), Rules(30)),  # noqa: DTZ001
        lambda: nearest([], datetime(2026, 12, 7, 9)),  # noqa: DTZ001
        lambda: nearest([], NOW, count=-1),
        lambda: local_day_bounds(MONDAY, "Nowhere/Special"),
    ],
)
def test_invalid_input_raises_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_any_aware_now_and_busy_zone_is_accepted():
    eastern = timezone(timedelta(hours=-5))
    busy = Busy(at(AMS, MONDAY, 9).astimezone(eastern), at(AMS, MONDAY, 10).astimezone(eastern))
    person = office_hours(busy=[busy])
    found = free_slots(
        [person], rules_for(60, step=60), AMS, MONDAY, MONDAY, NOW.astimezone(eastern)
    )
    assert local_starts(found)[:2] == ["Mon 10:00", "Mon 11:00"]


# --- a busy month ---------------------------------------------------------------------------------


def busy_month(seed: int = 13) -> tuple[list[Practitioner], date, date]:
    """Five practitioners, March 2027 (with the spring-forward Sunday), 2,000 busy spans."""
    rng = random.Random(seed)
    first, last = date(2027, 3, 1), date(2027, 3, 31)
    days = [first + timedelta(days=n) for n in range(31)]
    people = []
    for pid in range(1, 6):
        weekly = [
            Window(weekday, start, end)
            for weekday in range(5)
            for start, end in ((time(8, 30), time(12, 30)), (time(13, 15), time(17, 45)))
        ]
        weekly.append(Window(6, time(0, 30), time(4)))  # a night on Sundays, across the change
        exceptions = (
            DateException(date(2027, 3, 10), date(2027, 3, 11), False),
            DateException(date(2027, 3, 17), date(2027, 3, 17), False, time(11), time(14)),
            DateException(date(2027, 3, 20), date(2027, 3, 20), True, time(10), time(13)),
        )
        busy = []
        for _ in range(400):
            start = at(AMS, rng.choice(days), rng.randrange(0, 18), rng.randrange(0, 60, 5))
            busy.append(Busy(start, start + timedelta(minutes=rng.choice([20, 30, 45, 60, 90]))))
        people.append(Practitioner(pid, tuple(weekly), exceptions, tuple(busy)))
    return people, first, last


def test_five_practitioners_a_month_and_two_thousand_busy_spans():
    people, first, last = busy_month()
    assert sum(len(p.busy) for p in people) == 2000
    rules = rules_for(duration=30, buffer_before=5, buffer_after=10, step=15, min_notice=120)
    now = at(AMS, first, 10, 3)
    found = free_slots(people, rules, AMS, first, last, now)
    assert found == sorted(found)
    assert len(found) > 500  # busy, but far from full
    tz = ZoneInfo(AMS)
    by_day: dict[date, list[Slot]] = {}
    for one in found:
        by_day.setdefault(one.start.astimezone(tz).date(), []).append(one)
    # The oracle on sample days: the first (notice), the spring-forward Sunday, a holiday, the
    # day with a closed midday, the Saturday with extra hours, an ordinary day.
    for day in (
        first,
        date(2027, 3, 28),
        date(2027, 3, 10),
        date(2027, 3, 17),
        date(2027, 3, 20),
        date(2027, 3, 24),
    ):
        assert pairs(by_day.get(day, [])) == oracle(people, rules, AMS, day, day, now), day
    # Every slot's occupied span misses every busy span of its practitioner: of the spans that
    # start before the occupied span ends, the latest end is not after it starts.
    for person in people:
        spans = sorted((b.start, b.end) for b in person.busy)
        starts = [start for start, _end in spans]
        latest_end = list(accumulate((end for _start, end in spans), max))
        for one in (s for s in found if s.practitioner_id == person.id):
            taken = occupied(one.start, rules)
            index = bisect_left(starts, taken.end)
            assert index == 0 or latest_end[index - 1] <= taken.start
