"""Booking services: free times, booking, confirming, cancelling, rescheduling, blocking time.

Views, the API and commands call these; the rules of when a time is free live in the pure core
(`slots.py`), the guarantee that a time is never booked twice lives in the database (see
models.py): every write that takes time goes through `_occupy`, inside a savepoint, and a
conflict comes back as `SlotTaken` with the nearest free times, never as a double booking.

Cached free times (`listed_slots`, what lists of free times show: the pages and the API). They
are kept in `core.datacache` under the practice's `booking_version`, which `touch` raises in the
same transaction as EVERY write that can change a free time: every write here (book, confirm,
cancel, reschedule, mark, block_time, unblock, release_expired_holds) and every create, edit or
delete of an appointment type, its practitioners, weekly hours and exceptions (offer.py,
demo.py). The key also holds the type, the practitioners who give it (so a practitioner who
leaves the practice or is switched off changes the key without a write here), the local dates,
the type's duration, buffers and step, the zone and the local day. The value does not depend on
`now`: it is computed from the start of the local day with the notice ignored, and the notice
(now + min_notice) and the horizon are applied when it is read. One thing time changes without a
write: a visitor's held booking whose hold expires frees its time; the value keeps the earliest
`hold_expires_at` of the held bookings it counted and is computed anew once now passes it.
Nothing is deleted to stay correct. Booking itself (`book`, `reschedule`, `free_at`) never reads
the cache: it checks the database, and the database's constraint stays the guarantee.
"""

from __future__ import annotations

import uuid
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Membership, Practice, PractitionerAccess, User
from lijfwijs.core import datacache, hooks

from . import notifications, slots
from .models import (
    GRAIN_MINUTES,
    AppointmentType,
    AvailabilityException,
    Booking,
    OccupiedMinute,
    WeeklyHours,
)

HOLD_MINUTES = 30  # a visitor's booking waits this long for the email address to be confirmed
NEAREST_DAYS = 14  # how far around a wanted time the nearest free times are looked for


class BookingError(Exception):
    """A time cannot be booked: a message for the person and the nearest free times."""

    def __init__(self, message: Any, alternatives: Iterable[slots.Slot] = ()) -> None:
        super().__init__(str(message))
        self.message = message
        self.alternatives = list(alternatives)


class SlotTaken(BookingError):
    """Someone else booked (part of) this time first."""


class NotBookable(BookingError):
    """The time is not offered: outside the hours, in the past, too soon or too far ahead."""


class NotAllowed(BookingError):
    """This person may not book this type, or may no longer change this booking."""


# --- who gives what ---------------------------------------------------------------------------


def practitioners_of(practice: Any) -> list[User]:
    """The practice's members who give appointments (owners and practitioners)."""
    return list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                practice=practice,
                role__in=(Membership.Role.OWNER, Membership.Role.PRACTITIONER),
            ).values("user_id"),
            is_active=True,
        ).order_by("display_name", "email")
    )


def givers(appointment_type: AppointmentType) -> list[User]:
    """The active practitioners who give this type and still belong to its practice.

    One plain SELECT (every list of free times asks this first, so no query is built for it)."""
    quote = connection.ops.quote_name
    through = AppointmentType.practitioners.through
    field = AppointmentType._meta.get_field("practitioners")
    user = User._meta
    member = Membership._meta
    columns = ", ".join(f"u.{quote(f.column)}" for f in user.concrete_fields)
    sql = (
        f"SELECT {columns} FROM {quote(user.db_table)} u "  # noqa: S608 (model names only)
        f"INNER JOIN {quote(through._meta.db_table)} t "
        f"ON t.{quote(field.m2m_reverse_name())} = u.{quote(user.pk.column)} "
        f"WHERE t.{quote(field.m2m_column_name())} = %s AND u.{quote(user.get_field('is_active').column)} = %s "
        f"AND u.{quote(user.pk.column)} IN (SELECT m.{quote(member.get_field('user').column)} "
        f"FROM {quote(member.db_table)} m WHERE m.{quote(member.get_field('practice').column)} = %s) "
        f"ORDER BY u.{quote(user.get_field('display_name').column)}, u.{quote(user.get_field('email').column)}"
    )
    return list(User.objects.raw(sql, [appointment_type.pk, True, appointment_type.practice_id]))


def is_client_of(user: Any, practice: Any) -> bool:
    """The person grants access to one of the practice's members (a client of the practice)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        PractitionerAccess.objects.active()
        .filter(
            client=user,
            practitioner__in=Membership.objects.filter(practice=practice).values("user_id"),
        )
        .exists()
    )


def may_book(appointment_type: AppointmentType, user: Any) -> bool:
    if not appointment_type.is_active:
        return False
    if appointment_type.audience == AppointmentType.Audience.ANYONE:
        return True
    return is_client_of(user, appointment_type.practice)


# --- free times -------------------------------------------------------------------------------


def rules_of(appointment_type: AppointmentType) -> slots.Rules:
    return slots.Rules(
        duration=appointment_type.duration_minutes,
        buffer_before=appointment_type.buffer_before_minutes,
        buffer_after=appointment_type.buffer_after_minutes,
        step=appointment_type.slot_step_minutes,
        min_notice=appointment_type.min_notice_hours * 60,
        horizon_days=appointment_type.horizon_days,
    )


def zone_name(practice: Any) -> str:
    return practice.time_zone or "Europe/Amsterdam"


def local_today(practice: Any, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(zone_name(practice))).date()


def touch(practice_id: int) -> None:
    """The practice's free times changed: raise its booking version (one UPDATE, no condition).

    Call it inside the transaction of the write, so no reader sees the new data under the old
    version: the cached free times (`listed_slots`) are then computed anew."""
    Practice.objects.filter(pk=practice_id).update(booking_version=F("booking_version") + 1)


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _instant(value: Any) -> datetime:
    """A datetime column as an aware UTC datetime: SQLite gives the text Django stored (UTC,
    without an offset), psycopg an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _clock(value: Any) -> time:
    return time.fromisoformat(value) if isinstance(value, str) else value


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _table(model: Any, *fields: str) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), [
        quote(model._meta.get_field(name).column) for name in fields
    ]


_HOLDING = tuple(str(status) for status in Booking.HOLDING)
_HELD = str(Booking.Status.HELD)


def _load(
    practice: Any,
    practitioner_ids: list[int],
    first_day: date,
    last_day: date,
    now: datetime,
    exclude_booking: int | None,
) -> tuple[list[slots.Practitioner], datetime | None]:
    """The practitioners' hours, exceptions and busy spans over the days, in three queries of
    the columns only (no model instances, no per-row conversion by Django), and the earliest
    expiry of the held bookings counted as busy (None when there is none)."""
    zone = zone_name(practice)
    since, _end = slots.local_day_bounds(first_day, zone)
    _start, until = slots.local_day_bounds(last_day, zone)
    ops = connection.ops
    ids = [int(pk) for pk in practitioner_ids]
    marks = ", ".join(["%s"] * len(ids))
    practice_id = practice.pk

    table, (who, weekday, begin, end) = _table(
        WeeklyHours, "practitioner", "weekday", "start", "end"
    )
    practice_column = _table(WeeklyHours, "practice")[1][0]
    weekly: dict[int, list[slots.Window]] = defaultdict(list)
    for pk, day, opens_at, closes_at in _rows(
        f"SELECT {who}, {weekday}, {begin}, {end} FROM {table} "  # noqa: S608 (model names only)
        f"WHERE {practice_column} = %s AND {who} IN ({marks})",
        [practice_id, *ids],
    ):
        weekly[pk].append(slots.Window(day, _clock(opens_at), _clock(closes_at)))

    table, (who, first, last, opens, begin, end, practice_column) = _table(
        AvailabilityException,
        "practitioner",
        "first_day",
        "last_day",
        "opens",
        "start",
        "end",
        "practice",
    )
    exceptions: dict[int, list[slots.DateException]] = defaultdict(list)
    for pk, first_value, last_value, opens_value, start_value, end_value in _rows(
        f"SELECT {who}, {first}, {last}, {opens}, {begin}, {end} FROM {table} "  # noqa: S608 (model names only)
        f"WHERE {practice_column} = %s AND {who} IN ({marks}) AND {first} <= %s AND {last} >= %s",
        [
            practice_id,
            *ids,
            ops.adapt_datefield_value(last_day),
            ops.adapt_datefield_value(first_day),
        ],
    ):
        exceptions[pk].append(
            slots.DateException(
                _day(first_value),
                _day(last_value),
                bool(opens_value),
                None if start_value is None else _clock(start_value),
                None if end_value is None else _clock(end_value),
            )
        )

    # Buffers reach at most two hours beyond a day; a held booking past its expiry frees its time.
    table, (who, begin, end, status, expires, key) = _table(
        Booking, "practitioner", "occupied_start", "occupied_end", "status", "hold_expires_at", "id"
    )
    sql = (
        f"SELECT {who}, {begin}, {end}, {status}, {expires} FROM {table} "  # noqa: S608 (model names only)
        f"WHERE {who} IN ({marks}) AND {status} IN ({', '.join(['%s'] * len(_HOLDING))}) "
        f"AND {begin} < %s AND {end} > %s"
    )
    params: list[Any] = [
        *ids,
        *_HOLDING,
        ops.adapt_datetimefield_value(until + timedelta(hours=4)),
        ops.adapt_datetimefield_value(since - timedelta(hours=4)),
    ]
    if exclude_booking is not None:
        sql += f" AND {key} <> %s"
        params.append(int(exclude_booking))
    busy: dict[int, list[slots.Busy]] = defaultdict(list)
    earliest_hold: datetime | None = None
    for pk, start_value, end_value, status_value, expires_value in _rows(sql, params):
        if status_value == _HELD and expires_value is not None:
            expiry = _instant(expires_value)
            if expiry < now:
                continue  # expired: its time is free (release_expired_holds will say so too)
            if earliest_hold is None or expiry < earliest_hold:
                earliest_hold = expiry
        busy[pk].append(slots.Busy(_instant(start_value), _instant(end_value)))
    people = [
        slots.Practitioner(
            pk,
            tuple(weekly.get(pk, ())),
            tuple(exceptions.get(pk, ())),
            tuple(busy.get(pk, ())),
        )
        for pk in ids
    ]
    return people, earliest_hold


def availability(
    practice: Any,
    practitioner_ids: list[int],
    first_day: date,
    last_day: date,
    *,
    now: datetime | None = None,
    exclude_booking: int | None = None,
) -> list[slots.Practitioner]:
    """The practitioners' hours, exceptions and busy spans over the days, in three queries."""
    if not practitioner_ids:
        return []
    people, _hold = _load(
        practice, practitioner_ids, first_day, last_day, now or timezone.now(), exclude_booking
    )
    return people


def free_slots(
    appointment_type: AppointmentType,
    first_day: date,
    last_day: date,
    *,
    practitioner: Any = None,
    now: datetime | None = None,
    exclude_booking: int | None = None,
) -> list[slots.Slot]:
    """Every free start of the type between the local dates (inclusive), for one practitioner
    or for every practitioner who gives it."""
    now = now or timezone.now()
    ids = (
        [practitioner.pk] if practitioner is not None else [u.pk for u in givers(appointment_type)]
    )
    if not ids or last_day < first_day:
        return []
    people = availability(
        appointment_type.practice,
        ids,
        first_day,
        last_day,
        now=now,
        exclude_booking=exclude_booking,
    )
    return slots.free_slots(
        people,
        rules_of(appointment_type),
        zone_name(appointment_type.practice),
        first_day,
        last_day,
        now,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_us(moment: datetime) -> int:
    since = moment - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


_Listed = tuple[int | None, "array[int]", list[tuple[int, ...]], list[tuple[str, str]]]


def _version(practice_id: int) -> int | None:
    table, (version, key) = _table(Practice, "booking_version", "id")
    found = _rows(f"SELECT {version} FROM {table} WHERE {key} = %s", [practice_id])  # noqa: S608 (model names only)
    return int(found[0][0]) if found else None


def _listed(
    appointment_type: AppointmentType,
    first_day: date,
    last_day: date,
    practitioner: Any,
    now: datetime,
    giving: list[Any] | None,
) -> tuple[_Listed, int] | None:
    """The cached free times of the type over the days and the index of the first one that
    is not too soon; None when there is none to look for."""
    if practitioner is not None:
        ids = [practitioner.pk]
    else:
        ids = [u.pk for u in (giving if giving is not None else givers(appointment_type))]
    practice = appointment_type.practice
    zone = zone_name(practice)
    rules = rules_of(appointment_type)
    today = local_today(practice, now)
    # A day before today has no free time left; one past the horizon has none yet.
    first = max(first_day, today)
    last = min(last_day, today + timedelta(days=rules.horizon_days))
    if not ids or last < first:
        return None
    # The version first, the data after: the value is never older than the version it is under.
    version = _version(appointment_type.practice_id)
    if version is None:
        return None
    now_us = _epoch_us(now)

    def compute() -> _Listed:
        people, earliest_hold = _load(practice, ids, first, last, now, None)
        start_of_today, _next = slots.local_day_bounds(today, zone)
        found = slots.free_slots(
            people, replace(rules, min_notice=0), zone, first, last, start_of_today
        )
        local_zone = ZoneInfo(zone)
        starts: array[int] = array("q")
        who: list[tuple[int, ...]] = []
        local: list[tuple[str, str]] = []
        for slot in found:
            start_us = _epoch_us(slot.start)
            if starts and starts[-1] == start_us:
                who[-1] = (*who[-1], slot.practitioner_id)
                continue
            starts.append(start_us)
            who.append((slot.practitioner_id,))
            local.append(
                (
                    slot.start.astimezone(local_zone).isoformat(),
                    slot.end.astimezone(local_zone).isoformat(),
                )
            )
        hold = None if earliest_hold is None else _epoch_us(earliest_hold)
        return hold, starts, who, local

    def usable(value: _Listed) -> bool:
        return value[0] is None or now_us <= value[0]  # no counted hold has expired since

    value = datacache.for_practice(
        datacache.Kind.FREE_SLOTS,
        appointment_type.practice_id,
        version,
        compute,
        appointment_type.pk,
        "-".join(map(str, ids)),
        first.isoformat(),
        last.isoformat(),
        rules.duration,
        rules.buffer_before,
        rules.buffer_after,
        rules.step,
        zone,
        day=today,
        usable=usable,
    )
    earliest = now_us + rules.min_notice * 60_000_000
    return value, bisect_left(value[1], earliest)


def listed_slots(
    appointment_type: AppointmentType,
    first_day: date,
    last_day: date,
    *,
    practitioner: Any = None,
    now: datetime | None = None,
    giving: list[Any] | None = None,
) -> list[slots.Slot]:
    """What a list of free times shows (the pages, the API): `free_slots`' answer, from the
    cache under the practice's booking version (see the module's docstring for the rule).
    `giving`: `givers(appointment_type)` when the caller has read them already.
    Booking never uses this: it checks the database (`free_slots`)."""
    listed = _listed(
        appointment_type, first_day, last_day, practitioner, now or timezone.now(), giving
    )
    if listed is None:
        return []
    (_hold, starts, who, _local), first = listed
    length = timedelta(minutes=appointment_type.duration_minutes)
    found: list[slots.Slot] = []
    new_slot = object.__new__
    for index in range(first, len(starts)):
        start = _EPOCH + timedelta(microseconds=starts[index])
        end = start + length
        for practitioner_id in who[index]:
            # As slots.free_slots does: the values are complete, so they go straight into the
            # (frozen) instance without its generated __init__'s object.__setattr__ per field.
            slot = new_slot(slots.Slot)
            slot.__dict__.update(start=start, end=end, practitioner_id=practitioner_id)
            found.append(slot)
    return found


def listed_times(
    appointment_type: AppointmentType,
    first_day: date,
    last_day: date,
    *,
    practitioner: Any = None,
    now: datetime | None = None,
    giving: list[Any] | None = None,
) -> list[tuple[str, str, tuple[int, ...]]]:
    """`listed_slots` one row per start: the start and end in the practice's time zone (ISO
    8601 with the offset) and the ids of the practitioners free then, in order of id."""
    listed = _listed(
        appointment_type, first_day, last_day, practitioner, now or timezone.now(), giving
    )
    if listed is None:
        return []
    (_hold, _starts, who, local), first = listed
    return [(*local[index], who[index]) for index in range(first, len(who))]


def nearest_free(
    appointment_type: AppointmentType,
    wanted: datetime,
    *,
    practitioner: Any = None,
    count: int = 3,
    now: datetime | None = None,
    exclude_booking: int | None = None,
) -> list[slots.Slot]:
    """The free starts closest to `wanted` (a few days either side), one per time."""
    now = now or timezone.now()
    zone = ZoneInfo(zone_name(appointment_type.practice))
    day = max(wanted, now).astimezone(zone).date()
    found = free_slots(
        appointment_type,
        day - timedelta(days=NEAREST_DAYS),
        day + timedelta(days=NEAREST_DAYS),
        practitioner=practitioner,
        now=now,
        exclude_booking=exclude_booking,
    )
    return slots.nearest(found, wanted, count)


# --- taking time ------------------------------------------------------------------------------


def _grain_steps(start: datetime, end: datetime) -> list[datetime]:
    """The five-minute steps of [start, end): floored start, up to (not including) end."""
    grain = timedelta(minutes=GRAIN_MINUTES)
    first = start.replace(second=0, microsecond=0)
    first -= timedelta(minutes=first.minute % GRAIN_MINUTES)
    steps = []
    moment = first
    while moment < end:
        steps.append(moment)
        moment += grain
    return steps


def _claim_minutes(booking: Booking) -> None:
    if connection.vendor == "postgresql":
        return  # the exclusion constraint does it
    OccupiedMinute.objects.bulk_create(
        [
            OccupiedMinute(practitioner_id=booking.practitioner_id, minute=m, booking=booking)
            for m in _grain_steps(booking.occupied_start, booking.occupied_end)
        ]
    )


def _free_minutes(booking: Booking) -> None:
    if connection.vendor != "postgresql":
        OccupiedMinute.objects.filter(booking=booking).delete()


def release_expired_holds(
    *, practitioner_id: int | None = None, now: datetime | None = None
) -> int:
    """Held bookings whose email address was not confirmed in time stop holding their time."""
    now = now or timezone.now()
    expired = Booking.objects.filter(status=Booking.Status.HELD, hold_expires_at__lt=now)
    if practitioner_id is not None:
        expired = expired.filter(practitioner_id=practitioner_id)
    found = list(expired.values_list("pk", "practice_id"))
    if not found:
        return 0
    ids = [pk for pk, _practice in found]
    with transaction.atomic():
        count = Booking.objects.filter(pk__in=ids, status=Booking.Status.HELD).update(
            status=Booking.Status.EXPIRED, updated_at=now
        )
        if connection.vendor != "postgresql":
            OccupiedMinute.objects.filter(booking_id__in=ids).delete()
        for practice_id in sorted({practice for _pk, practice in found}):
            touch(practice_id)
    return count


# PostgreSQL checks the exclusion constraint against rows not yet committed: bookings of the same
# time inserted at once wait for each other, and when they wait in a circle it stops one of them
# as a deadlock (SQLSTATE 40P01). That one's savepoint is rolled back and it is written again: it
# then waits for the others to finish and meets the time taken (SlotTaken) or free.
DEADLOCK_RETRIES = 5
DEADLOCK = "40P01"


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK


def _occupy(booking: Booking, *, fresh: bool) -> None:
    """Save the booking holding its time; SlotTaken when any of it is taken (the database says)."""
    for attempt in range(DEADLOCK_RETRIES + 1):
        if fresh:  # a failed attempt's insert was rolled back, but Django kept the id it got
            booking.pk = None
        try:
            with transaction.atomic():
                if fresh:
                    booking.save()
                else:
                    _free_minutes(booking)
                    booking.save()
                _claim_minutes(booking)
                touch(booking.practice_id)
            return
        except IntegrityError as error:
            raise SlotTaken(_("Deze tijd is net door iemand anders geboekt.")) from error
        except OperationalError as error:
            if not _is_deadlock(error) or attempt == DEADLOCK_RETRIES:
                raise


def _spans(
    appointment_type: AppointmentType, start: datetime
) -> tuple[datetime, datetime, datetime, datetime]:
    end = start + timedelta(minutes=appointment_type.duration_minutes)
    return (
        start,
        end,
        start - timedelta(minutes=appointment_type.buffer_before_minutes),
        end + timedelta(minutes=appointment_type.buffer_after_minutes),
    )


def _why_not(appointment_type: AppointmentType, start: datetime, now: datetime) -> Any:
    """The reason a start that is not offered is not offered, in words for the person."""
    zone = ZoneInfo(zone_name(appointment_type.practice))
    if start <= now:
        return _("Deze tijd is al voorbij. Kies een tijd in de toekomst.")
    if start < now + timedelta(hours=appointment_type.min_notice_hours):
        return _("Deze tijd is te kort dag. Boek minstens %(hours)d uur van tevoren.") % {
            "hours": appointment_type.min_notice_hours
        }
    if start.astimezone(zone).date() > now.astimezone(zone).date() + timedelta(
        days=appointment_type.horizon_days
    ):
        return _("Zo ver vooruit kun je nog niet boeken (tot %(days)d dagen vooruit).") % {
            "days": appointment_type.horizon_days
        }
    return _("Op deze tijd is er geen afspraak mogelijk. Kies een van de vrije tijden.")


def _check_start(start: datetime) -> datetime:
    if timezone.is_naive(start):
        raise NotBookable(_("Deze tijd is niet geldig."))
    return start.astimezone(ZoneInfo("UTC"))


def _free_practitioners(
    appointment_type: AppointmentType, start: datetime, practitioner: Any, now: datetime
) -> list[User]:
    """The practitioners free at `start` (the one asked for, or every one who gives the type, in
    order); NotBookable or SlotTaken, with the nearest free times, when there is none."""
    zone = zone_name(appointment_type.practice)
    day = start.astimezone(ZoneInfo(zone)).date()
    giving = givers(appointment_type)
    if practitioner is not None and practitioner.pk not in {p.pk for p in giving}:
        raise NotBookable(_("Deze behandelaar geeft deze afspraak niet."))
    candidates = [practitioner] if practitioner is not None else giving
    offered = {
        slot.practitioner_id
        for slot in free_slots(appointment_type, day, day, now=now, practitioner=practitioner)
        if slot.start == start
    }
    free = [p for p in candidates if p.pk in offered]
    if free:
        return free
    alternatives = nearest_free(appointment_type, start, practitioner=practitioner, now=now)
    # Taken (offered by the hours, not by the bookings) or not offered at all.
    if _offered_when_empty(appointment_type, start, candidates, now):
        raise SlotTaken(_("Deze tijd is net door iemand anders geboekt."), alternatives)
    raise NotBookable(_why_not(appointment_type, start, now), alternatives)


def _offered_when_empty(
    appointment_type: AppointmentType, start: datetime, candidates: list[Any], now: datetime
) -> bool:
    zone = zone_name(appointment_type.practice)
    day = start.astimezone(ZoneInfo(zone)).date()
    people = availability(appointment_type.practice, [p.pk for p in candidates], day, day, now=now)
    rules = rules_of(appointment_type)
    return any(
        slots.is_free(slots.Practitioner(p.id, p.weekly, p.exceptions, ()), rules, zone, start, now)
        for p in people
    )


def free_at(
    appointment_type: AppointmentType,
    start: datetime,
    *,
    practitioner: Any = None,
    now: datetime | None = None,
) -> list[User]:
    """The practitioners free at `start` for the type (the one asked for, or every one who gives
    it, in order): what a page checks before the person confirms. Raises NotBookable or
    SlotTaken with the nearest free times, with the reason `book` would give."""
    return _free_practitioners(
        appointment_type, _check_start(start), practitioner, now or timezone.now()
    )


@dataclass
class Who:
    """The person a booking is for: a signed-in client, or a visitor's details."""

    client: Any = None
    name: str = ""
    email: str = ""
    phone: str = ""
    question: str = ""
    language: str = "nl"
    assessment_response: Any = None


def book(
    appointment_type: AppointmentType,
    start: datetime,
    who: Who,
    *,
    origin: str,
    practitioner: Any = None,
    now: datetime | None = None,
    uid: uuid.UUID | None = None,
) -> Booking:
    """Book `start` for `who`. A visitor's booking is held until the email address is confirmed
    (HOLD_MINUTES); a client's, the practice's or the API's signed-in booking is confirmed at once.

    `uid`: the booking's UID when the caller chooses it (the API derives it from an
    Idempotency-Key, so a retry that races the first attempt fails on the unique UID, never
    books twice; the retry then finds the first booking by its UID).

    Raises NotAllowed, NotBookable or SlotTaken (with alternatives); never books twice.
    """
    now = now or timezone.now()
    start = _check_start(start)
    if origin != Booking.Origin.PRACTICE and not may_book(appointment_type, who.client):
        raise NotAllowed(_("Deze afspraak is alleen voor cliënten van de praktijk."))
    begin, end, occupied_start, occupied_end = _spans(appointment_type, start)
    visitor = who.client is None
    # Each free practitioner in turn: one who was just booked by someone else makes way for the
    # next; only when all are taken is the time taken.
    for chosen in _free_practitioners(appointment_type, start, practitioner, now):
        release_expired_holds(practitioner_id=chosen.pk, now=now)
        booking = Booking(
            uid=uid or uuid.uuid4(),
            practice_id=appointment_type.practice_id,
            appointment_type=appointment_type,
            practitioner=chosen,
            origin=origin,
            status=Booking.Status.HELD if visitor else Booking.Status.CONFIRMED,
            start=begin,
            end=end,
            occupied_start=occupied_start,
            occupied_end=occupied_end,
            hold_expires_at=now + timedelta(minutes=HOLD_MINUTES) if visitor else None,
            confirmed_at=None if visitor else now,
            client=who.client,
            name=who.name if visitor else "",
            email=who.email if visitor else "",
            phone=who.phone,
            question=who.question,
            assessment_response=who.assessment_response,
            language=who.language,
            created_at=now,
        )
        try:
            _occupy(booking, fresh=True)
        except SlotTaken:
            continue
        notifications.booking_event(booking, "held" if visitor else "confirmed")
        return booking
    raise SlotTaken(
        _("Deze tijd is net door iemand anders geboekt."),
        nearest_free(appointment_type, start, practitioner=practitioner, now=now),
    )


def confirm(booking: Booking, *, now: datetime | None = None) -> Booking:
    """A visitor confirmed their email address: the held booking is confirmed. A hold that
    expired is confirmed still when its time is free (the database decides); SlotTaken if not."""
    now = now or timezone.now()
    if booking.status == Booking.Status.CONFIRMED:
        return booking
    if booking.status == Booking.Status.HELD and (
        booking.hold_expires_at is None or booking.hold_expires_at >= now
    ):
        with transaction.atomic():
            updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.HELD).update(
                status=Booking.Status.CONFIRMED,
                confirmed_at=now,
                hold_expires_at=None,
                updated_at=now,
            )
            touch(booking.practice_id)
            booking.refresh_from_db()
            if updated:
                _confirmed_by_visitor(booking)
        if updated:
            notifications.booking_event(booking, "confirmed")
        return booking
    if booking.status in (Booking.Status.HELD, Booking.Status.EXPIRED):
        if booking.start <= now:
            raise NotBookable(_("Deze tijd is al voorbij. Kies een tijd in de toekomst."))
        release_expired_holds(practitioner_id=booking.practitioner_id, now=now)
        booking.refresh_from_db()
        booking.status = Booking.Status.CONFIRMED
        booking.confirmed_at = now
        booking.hold_expires_at = None
        try:
            _occupy(booking, fresh=False)
        except SlotTaken as taken:
            booking.refresh_from_db()
            if booking.appointment_type is not None:
                taken.alternatives = nearest_free(booking.appointment_type, booking.start, now=now)
            raise
        _confirmed_by_visitor(booking)
        notifications.booking_event(booking, "confirmed")
        return booking
    raise NotAllowed(_("Deze afspraak kan niet meer bevestigd worden."))


def _confirmed_by_visitor(booking: Booking) -> None:
    """A visitor confirmed their booking: apps that follow it (the practice's leads) are told
    through the `booking_confirmed` hook, in the transaction of the confirmation."""
    for follow in hooks.functions("booking_confirmed"):
        follow(booking)


def can_change(booking: Booking, *, now: datetime | None = None) -> bool:
    """The person may still cancel or reschedule themselves (before the practice's limit)."""
    now = now or timezone.now()
    if booking.status not in (Booking.Status.HELD, Booking.Status.CONFIRMED):
        return False
    limit = booking.appointment_type.cancel_limit_hours if booking.appointment_type else 0
    return booking.start - timedelta(hours=limit) > now


def cancel(booking: Booking, *, by: str, now: datetime | None = None) -> Booking:
    """Cancel (by "client" within the limit, or by "practice" at any time before it ends)."""
    now = now or timezone.now()
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if by != "practice" and not can_change(booking, now=now):
        raise NotAllowed(
            _(
                "Deze afspraak kan niet meer online geannuleerd worden. Neem contact op met de praktijk."
            )
        )
    if booking.status not in (Booking.Status.HELD, Booking.Status.CONFIRMED):
        raise NotAllowed(_("Deze afspraak kan niet meer geannuleerd worden."))
    with transaction.atomic():
        updated = Booking.objects.filter(
            pk=booking.pk, status__in=(Booking.Status.HELD, Booking.Status.CONFIRMED)
        ).update(
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by=by,
            sequence=booking.sequence + 1,
            updated_at=now,
        )
        _free_minutes(booking)
        touch(booking.practice_id)
    booking.refresh_from_db()
    if updated:
        notifications.booking_event(booking, "cancelled")
    return booking


def reschedule(
    booking: Booking,
    new_start: datetime,
    *,
    by: str,
    practitioner: Any = None,
    now: datetime | None = None,
) -> Booking:
    """Move the booking to another free start (the same booking: same UID, SEQUENCE raised)."""
    now = now or timezone.now()
    new_start = _check_start(new_start)
    appointment_type = booking.appointment_type
    if appointment_type is None or booking.kind != Booking.Kind.APPOINTMENT:
        raise NotAllowed(_("Deze afspraak kan niet verzet worden."))
    if by != "practice" and not can_change(booking, now=now):
        raise NotAllowed(
            _("Deze afspraak kan niet meer online verzet worden. Neem contact op met de praktijk.")
        )
    if booking.status not in (Booking.Status.HELD, Booking.Status.CONFIRMED):
        raise NotAllowed(_("Deze afspraak kan niet meer verzet worden."))
    wanted = practitioner or booking.practitioner
    zone = zone_name(appointment_type.practice)
    day = new_start.astimezone(ZoneInfo(zone)).date()
    offered = free_slots(
        appointment_type, day, day, practitioner=wanted, now=now, exclude_booking=booking.pk
    )
    if not any(slot.start == new_start for slot in offered):
        alternatives = nearest_free(
            appointment_type, new_start, practitioner=wanted, now=now, exclude_booking=booking.pk
        )
        if _offered_when_empty(appointment_type, new_start, [wanted], now):
            raise SlotTaken(_("Deze tijd is net door iemand anders geboekt."), alternatives)
        raise NotBookable(_why_not(appointment_type, new_start, now), alternatives)
    release_expired_holds(practitioner_id=wanted.pk, now=now)
    begin, end, occupied_start, occupied_end = _spans(appointment_type, new_start)
    booking.practitioner = wanted
    booking.start, booking.end = begin, end
    booking.occupied_start, booking.occupied_end = occupied_start, occupied_end
    booking.sequence += 1
    try:
        _occupy(booking, fresh=False)
    except SlotTaken as taken:
        booking.refresh_from_db()
        taken.alternatives = nearest_free(
            appointment_type, new_start, practitioner=wanted, now=now, exclude_booking=booking.pk
        )
        raise
    notifications.booking_event(booking, "rescheduled")
    return booking


def mark(booking: Booking, status: str, *, now: datetime | None = None) -> Booking:
    """The practitioner marks a confirmed appointment that has begun as done or no-show."""
    now = now or timezone.now()
    if status not in (Booking.Status.DONE, Booking.Status.NO_SHOW):
        raise NotAllowed(_("Kies gehouden of niet verschenen."))
    if booking.kind != Booking.Kind.APPOINTMENT or booking.status not in (
        Booking.Status.CONFIRMED,
        Booking.Status.DONE,
        Booking.Status.NO_SHOW,
    ):
        raise NotAllowed(_("Alleen een bevestigde afspraak kan zo gemarkeerd worden."))
    if booking.start > now:
        raise NotAllowed(_("Een afspraak die nog moet beginnen kun je nog niet markeren."))
    with transaction.atomic():
        Booking.objects.filter(pk=booking.pk).update(status=status, updated_at=now)
        touch(booking.practice_id)
    booking.refresh_from_db()
    return booking


def block_time(
    practitioner: Any,
    start: datetime,
    end: datetime,
    *,
    note: str = "",
    now: datetime | None = None,
) -> Booking:
    """The practitioner blocks time in their agenda (a booking of its own kind, no buffers)."""
    now = now or timezone.now()
    start, end = _check_start(start), _check_start(end)
    if end <= start:
        raise NotBookable(_("Het einde moet na het begin liggen."))
    membership = practitioner.membership
    if membership is None:
        raise NotAllowed(_("Alleen leden van een praktijk kunnen tijd blokkeren."))
    release_expired_holds(practitioner_id=practitioner.pk, now=now)
    booking = Booking(
        practice_id=membership.practice_id,
        practitioner=practitioner,
        kind=Booking.Kind.BLOCK,
        status=Booking.Status.CONFIRMED,
        origin=Booking.Origin.PRACTICE,
        start=start,
        end=end,
        occupied_start=start,
        occupied_end=end,
        confirmed_at=now,
        note=note,
        language=practitioner.language,
        created_at=now,
    )
    _occupy(booking, fresh=True)
    return booking


def unblock(block: Booking, *, now: datetime | None = None) -> Booking:
    """The practitioner removes blocked time: the time is free again. Nobody else is involved,
    so nothing is sent (cancel() would notify about an appointment)."""
    now = now or timezone.now()
    if block.kind != Booking.Kind.BLOCK:
        raise NotAllowed(_("Alleen geblokkeerde tijd kan zo verwijderd worden."))
    with transaction.atomic():
        Booking.objects.filter(pk=block.pk, status=Booking.Status.CONFIRMED).update(
            status=Booking.Status.CANCELLED,
            cancelled_at=now,
            cancelled_by="practice",
            updated_at=now,
        )
        _free_minutes(block)
        touch(block.practice_id)
    block.refresh_from_db()
    return block


def bookings_between(practice: Any, since: datetime, until: datetime, **filters: Any) -> Any:
    """A practice's bookings that overlap [since, until), with what a list shows, in one query."""
    return (
        Booking.objects.filter(practice=practice, start__lt=until, end__gt=since, **filters)
        .exclude(Q(status=Booking.Status.EXPIRED))
        .select_related("appointment_type", "practitioner", "client")
        .order_by("start", "practitioner_id")
    )
