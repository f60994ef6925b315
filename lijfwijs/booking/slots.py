"""Free appointment slots, the pure core of booking: hours, exceptions and bookings in, slots out.

Plain data in, plain data out; no Django import (dataclasses, datetime and zoneinfo only). The
Django layer (`services.py`) loads a practice's hours, exceptions and bookings, calls this module
and renders the result; the database, not this module, guarantees that a time is never booked twice.

The rules, word for word the ones the brute-force oracle in `tests/test_slots.py` follows:

- Opening hours are local wall-clock times in the practice's zone `zone` (an IANA name). A local
  date d's *open hours* for a practitioner are the weekly windows for d's weekday plus the
  `opens` exceptions covering d, merged where they overlap or touch, minus the closed exceptions
  covering d (the whole day when their start and end are None, otherwise the part [start, end)).
  What remains is a set of disjoint *open intervals* [a, b) on d; a closed part cut out of a
  window leaves two intervals, each with its own start a.
- A wall-clock time t on date d becomes an instant with zoneinfo, fold=0: a time that does not
  exist (in the spring-forward gap) moves on by the gap, as PEP 495 fold=0 gives; an ambiguous
  time (autumn) is its first occurrence. An open interval [a, b) on d is the real span
  [instant(d, a), instant(d, b)) — on the spring-forward night 01:00-04:00 lasts two real hours.
- Candidate starts are the wall-clock times a, a + step, a + 2·step, … before b of each open
  interval [a, b) on d. A candidate that does not exist (spring gap) is skipped, never offered;
  an ambiguous one (autumn) is offered once, at its first occurrence (fold=0). A candidate s
  (now an instant) is offered for practitioner p if and only if:
  - [s, s + duration) lies inside the real span of its open interval (duration in real minutes);
  - the occupied span [s - buffer_before, s + duration + buffer_after) overlaps none of p's busy
    spans (half-open: spans that only touch do not overlap); buffers need not lie inside
    opening hours;
  - s >= now + min_notice;
  - d lies within [first_day, last_day] and d <= (the local date of now) + horizon_days.
- `free_slots` returns every offered (s, p) as a `Slot`, sorted by (start, practitioner_id).
  `is_free(p, rules, zone, start, now)` is true exactly when `free_slots([p], …)` over start's
  local date holds that start; it computes that one day only.
- `nearest(slots, wanted, count)`: one slot per start time (the lowest practitioner id among
  equal starts), the `count` starts closest in time to `wanted` (an earlier start wins a tie),
  returned sorted by start.
- `local_day_bounds(day, zone)`: the first instant of the local day and of the next one (both
  by fold=0, which is exactly the first instant whose local date is that day, also when
  midnight falls in a gap or a fold). Bookings whose occupied span reaches into
  [bounds − buffers, bounds + buffers] can block a slot of the day.

Invalid input raises ValueError: naive datetimes, aware times of day, a duration or step <= 0,
negative buffers, notice or horizon, a window or exception part whose end is not after its
start, a busy span that does not end after it starts, an unknown zone, first_day > last_day,
two practitioners with the same id.

Speed: each practitioner's busy spans are sorted and merged once per call; a day without an
offset change (almost every day) is plain integer arithmetic on microseconds with one cursor
through the busy spans, so the cost grows with the number of slots and busy spans, not with
minutes. A day whose UTC offset changes takes the exact path, zoneinfo per candidate. The day
is taken to have no offset change when its midnight exists and the offsets at its first and last
instant agree; that assumes no zone changes its offset twice within one day (present-day rules
of the tz database do not).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ONE_US = timedelta(microseconds=1)
_US_PER_MINUTE = 60_000_000
_US_PER_DAY = 86_400_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAY = timedelta(days=1)
_by_start = attrgetter("start")


def _is_aware(moment: object) -> bool:
    return (
        isinstance(moment, datetime)
        and moment.tzinfo is not None
        and moment.utcoffset() is not None
    )


def _require_aware(moment: object, name: str) -> None:
    if not _is_aware(moment):
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")


def _require_wall_time(value: object, name: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive time of day, got {value!r}")


def _us_of_day(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _time_of(us_of_day: int) -> time:
    seconds, micro = divmod(us_of_day, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def _epoch_us(moment: datetime) -> int:
    since = moment - _EPOCH  # timedelta's own // is about twice as slow as its fields
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


@dataclass(frozen=True)
class Window:
    """Weekly opening hours of one practitioner, local wall-clock time."""

    weekday: int  # 0 = Monday … 6 = Sunday
    start: time
    end: time  # > start, same day

    def __post_init__(self) -> None:
        if not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), got {self.weekday!r}")
        _require_wall_time(self.start, "Window.start")
        _require_wall_time(self.end, "Window.end")
        if self.end <= self.start:
            raise ValueError(f"a window must end after it starts: {self.start}-{self.end}")


@dataclass(frozen=True)
class DateException:
    """Days off, holidays or extra hours, local wall-clock, dates inclusive."""

    first_day: date
    last_day: date
    opens: bool  # True: extra hours (start/end required); False: closed
    start: time | None = None  # closed with None/None = the whole days
    end: time | None = None

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(
                f"an exception ends before it starts: {self.first_day}…{self.last_day}"
            )
        if self.start is None and self.end is None:
            if self.opens:
                raise ValueError("extra hours need a start and an end")
            return
        if self.start is None or self.end is None:
            raise ValueError("give both start and end, or neither (the whole day)")
        _require_wall_time(self.start, "DateException.start")
        _require_wall_time(self.end, "DateException.end")
        if self.end <= self.start:
            raise ValueError(f"an exception must end after it starts: {self.start}-{self.end}")


@dataclass(frozen=True)
class Busy:
    """An existing booking's occupied span (its buffers included), aware (UTC)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "Busy.start")
        _require_aware(self.end, "Busy.end")
        if self.end <= self.start:
            raise ValueError(f"a busy span must end after it starts: {self.start}-{self.end}")


@dataclass(frozen=True)
class Practitioner:
    id: int
    weekly: tuple[Window, ...]
    exceptions: tuple[DateException, ...] = ()
    busy: tuple[Busy, ...] = ()


@dataclass(frozen=True)
class Rules:
    """Of one appointment type; all in minutes except the horizon (days)."""

    duration: int
    buffer_before: int = 0
    buffer_after: int = 0
    step: int = 15  # candidate starts every `step` minutes of wall-clock from a window's start
    min_notice: int = 0  # no start earlier than now + min_notice
    horizon_days: int = 60  # no start on a local date later than local today + horizon_days

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise ValueError(f"duration must be positive, got {self.duration}")
        if self.step <= 0:
            raise ValueError(f"step must be positive, got {self.step}")
        for name in ("buffer_before", "buffer_after", "min_notice", "horizon_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime  # start + duration (real minutes)
    practitioner_id: int


def occupied(start: datetime, rules: Rules) -> Busy:
    """The span a booking at `start` occupies: [start - before, start + duration + after)."""
    _require_aware(start, "start")
    start = start.astimezone(UTC)
    return Busy(
        start - timedelta(minutes=rules.buffer_before),
        start + timedelta(minutes=rules.duration + rules.buffer_after),
    )


def _zone(zone: str) -> ZoneInfo:
    if not isinstance(zone, str) or not zone:
        raise ValueError(f"unknown time zone {zone!r}")
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise ValueError(f"unknown time zone {zone!r}") from error


def _instant_us(day: date, us_of_day: int, tz: ZoneInfo) -> tuple[int, bool]:
    """The instant (epoch microseconds) of a wall-clock time by fold=0, and whether it exists."""
    wall = datetime.combine(day, _time_of(us_of_day))
    moment = wall.replace(tzinfo=tz).astimezone(UTC)
    exists = moment.astimezone(tz).replace(tzinfo=None) == wall
    return _epoch_us(moment), exists


def local_day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """UTC instants of the local day's start and of the next day's start (fold=0 midnights)."""
    tz = _zone(zone)
    return (
        datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC),
        datetime.combine(day + _DAY, time(0), tzinfo=tz).astimezone(UTC),
    )


class _Day:
    """One local date in the zone: where its midnight is, and whether its offset is constant."""

    __slots__ = ("date", "ordinal", "midnight", "midnight_us", "constant", "_instants")

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.date = day
        self.ordinal = day.toordinal()
        self.midnight = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        self.midnight_us = _epoch_us(self.midnight)
        first = self.midnight.astimezone(tz)
        last = (self.midnight + _DAY - _ONE_US).astimezone(tz)
        # Constant: midnight exists and the offset at the day's first and last instant agree.
        # Then wall-clock time w of the day is the instant midnight + w, and every w exists.
        self.constant = (
            first.replace(tzinfo=None) == datetime.combine(day, time(0))
            and first.utcoffset() == last.utcoffset()
        )
        self._instants: dict[int, tuple[int, bool]] = {}

    def instant(self, us_of_day: int, tz: ZoneInfo) -> tuple[int, bool]:
        if self.constant:
            return self.midnight_us + us_of_day, True
        found = self._instants.get(us_of_day)
        if found is None:
            found = self._instants[us_of_day] = _instant_us(self.date, us_of_day, tz)
        return found


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of half-open intervals, merged where they overlap or touch, sorted."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    lo, hi = cut
    remaining = []
    for start, end in intervals:
        if end <= lo or start >= hi:
            remaining.append((start, end))
            continue
        if start < lo:
            remaining.append((start, lo))
        if end > hi:
            remaining.append((hi, end))
    return remaining


class _Prepared:
    """A practitioner in integers: merged weekly hours per weekday, exceptions, merged busy."""

    __slots__ = ("id", "rank", "weekly", "extra", "closed", "busy_starts", "busy_ends")

    def __init__(self, practitioner: Practitioner, rank: int) -> None:
        self.id = practitioner.id
        self.rank = rank
        by_weekday: list[list[tuple[int, int]]] = [[] for _weekday in range(7)]
        for window in practitioner.weekly:
            by_weekday[window.weekday].append((_us_of_day(window.start), _us_of_day(window.end)))
        self.weekly = [_merge(intervals) for intervals in by_weekday]
        self.extra: list[tuple[int, int, int, int]] = []
        self.closed: list[tuple[int, int, int, int]] = []
        for exception in practitioner.exceptions:
            first, last = exception.first_day.toordinal(), exception.last_day.toordinal()
            if exception.start is None or exception.end is None:
                self.closed.append((first, last, 0, _US_PER_DAY))  # the whole day
                continue
            part = (first, last, _us_of_day(exception.start), _us_of_day(exception.end))
            (self.extra if exception.opens else self.closed).append(part)
        # Merge in datetimes (comparisons are cheap), then convert only the merged spans.
        starts: list[datetime] = []
        ends: list[datetime] = []
        for busy in sorted(practitioner.busy, key=_by_start):
            if ends and busy.start <= ends[-1]:
                if busy.end > ends[-1]:
                    ends[-1] = busy.end
            else:
                starts.append(busy.start)
                ends.append(busy.end)
        self.busy_starts = [_epoch_us(moment) for moment in starts]
        self.busy_ends = [_epoch_us(moment) for moment in ends]

    def open_intervals(self, day: _Day) -> list[tuple[int, int]]:
        intervals = self.weekly[day.date.weekday()]
        ordinal = day.ordinal
        extra = [(a, b) for first, last, a, b in self.extra if first <= ordinal <= last]
        if extra:
            intervals = _merge(intervals + extra)
        for first, last, a, b in self.closed:
            if first <= ordinal <= last:
                intervals = _subtract(intervals, (a, b))
        return intervals


def _free_keys(
    person: _Prepared,
    day: _Day,
    tz: ZoneInfo,
    rules_us: tuple[int, int, int, int],
    earliest: int,
    count: int,
    keys: list[int],
) -> None:
    """Append start_us * count + rank for every free start of the person on the day."""
    duration, before, after, step = rules_us
    starts, ends = person.busy_starts, person.busy_ends
    n_busy = len(starts)
    rank = person.rank
    for a, b in person.open_intervals(day):
        if day.constant:
            # s_k = first + k·step for k in [k_lo, k_hi], all existing, in increasing order.
            first = day.midnight_us + a
            k_hi = (b - a - duration) // step
            k = max(0, -((first - earliest) // step))
            j = bisect_right(ends, first + k * step - before)
            while k <= k_hi:
                start = first + k * step
                while j < n_busy and ends[j] <= start - before:
                    j += 1
                if j < n_busy and starts[j] < start + duration + after:
                    # Blocked: the next start whose occupied span begins at or after this
                    # busy span's end.
                    k = max(k + 1, -((first - ends[j] - before) // step))
                    continue
                last = k_hi
                if j < n_busy:
                    last = min(last, (starts[j] - duration - after - first) // step)
                keys.extend(
                    range(
                        (first + k * step) * count + rank,
                        (first + last * step) * count + rank + 1,
                        step * count,
                    )
                )
                k = last + 1
            continue
        span_lo, _exists = day.instant(a, tz)
        span_hi, _exists = day.instant(b, tz)
        for wall in range(a, b, step):
            start, exists = day.instant(wall, tz)
            if not exists or start < span_lo or start + duration > span_hi or start < earliest:
                continue
            j = bisect_right(ends, start - before)
            if j < n_busy and starts[j] < start + duration + after:
                continue
            keys.append(start * count + rank)


def free_slots(
    practitioners: Iterable[Practitioner],
    rules: Rules,
    zone: str,
    first_day: date,
    last_day: date,
    now: datetime,
) -> list[Slot]:
    """Every free start of every practitioner on the local dates [first_day, last_day], sorted by
    (start, practitioner_id). See the module docstring for the exact rules."""
    tz = _zone(zone)
    _require_aware(now, "now")
    if last_day < first_day:
        raise ValueError(f"first_day {first_day} is after last_day {last_day}")
    people = sorted(practitioners, key=lambda person: person.id)
    if any(one.id == other.id for one, other in zip(people, people[1:], strict=False)):
        raise ValueError("two practitioners with the same id")
    count = len(people)
    if not count:
        return []
    earliest = _epoch_us(now) + rules.min_notice * _US_PER_MINUTE
    # A candidate on an earlier local date than the earliest allowed instant's is earlier than
    # that instant; one day of slack keeps this a pure shortcut.
    earliest_day = datetime.fromtimestamp(earliest // 1_000_000, UTC).astimezone(tz).date()
    day = max(first_day, earliest_day - _DAY)
    final = min(last_day, now.astimezone(tz).date() + timedelta(days=rules.horizon_days))
    if day > final:
        return []
    prepared = [_Prepared(person, rank) for rank, person in enumerate(people)]
    rules_us = (
        rules.duration * _US_PER_MINUTE,
        rules.buffer_before * _US_PER_MINUTE,
        rules.buffer_after * _US_PER_MINUTE,
        rules.step * _US_PER_MINUTE,
    )
    length = timedelta(minutes=rules.duration)
    offsets: dict[int, timedelta] = {}  # microseconds after a midnight -> timedelta
    slots: list[Slot] = []
    new_slot = object.__new__
    while day <= final:
        local = _Day(day, tz)
        keys: list[int] = []
        for person in prepared:
            _free_keys(person, local, tz, rules_us, earliest, count, keys)
        keys.sort()
        previous_us = -1
        start = end = local.midnight
        for key in keys:
            start_us, rank = divmod(key, count)
            if start_us != previous_us:
                offset = start_us - local.midnight_us
                delta = offsets.get(offset)
                if delta is None:
                    delta = offsets[offset] = timedelta(microseconds=offset)
                start = local.midnight + delta
                end = start + length
                previous_us = start_us
            # Slot's generated __init__ sets each field through object.__setattr__ (it is
            # frozen), which costs about as much as the rest of this loop; the values are
            # complete and checked, so they go straight into the instance.
            slot = new_slot(Slot)
            slot.__dict__.update(start=start, end=end, practitioner_id=prepared[rank].id)
            slots.append(slot)
        day += _DAY
    return slots


def is_free(
    practitioner: Practitioner, rules: Rules, zone: str, start: datetime, now: datetime
) -> bool:
    """Whether `start` is one of the practitioner's free slots (computes start's local day only)."""
    _require_aware(start, "start")
    day = start.astimezone(_zone(zone)).date()
    return any(
        slot.start == start for slot in free_slots([practitioner], rules, zone, day, day, now)
    )


def nearest(slots: Sequence[Slot], wanted: datetime, count: int = 3) -> list[Slot]:
    """The `count` slots closest in time to `wanted`, one per start time, sorted by start.

    Among slots with the same start the lowest practitioner id is kept; at equal distance the
    earlier start wins."""
    _require_aware(wanted, "wanted")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    by_start: dict[datetime, Slot] = {}
    for slot in slots:
        kept = by_start.get(slot.start)
        if kept is None or slot.practitioner_id < kept.practitioner_id:
            by_start[slot.start] = slot
    closest = sorted(by_start.values(), key=lambda slot: (abs(slot.start - wanted), slot.start))
    return sorted(closest[:count], key=lambda slot: slot.start)
