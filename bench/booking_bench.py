"""Booking in the bench: a practice with 5 practitioners and 2,000 existing bookings whose free
times of a month a visitor asks the API for (in process, against the reference page), and 200
parallel booking attempts on 20 times against gunicorn with 4 workers (20 bookings, no error).

The bookings at scale are written in bulk like the rest of the bench's data (with the SQLite
occupancy rows the services would write, so the database's guard holds them too); the race goes
through the API and the services only.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

from common import HOST, BenchError

PRACTITIONERS = 5
BOOKINGS = 2000
MONTH_DAYS = 30  # the free times asked for: tomorrow and the 29 days after
SLOTS_MARKER = b'"slots": ['
RACE_SLOTS = 20
RACE_ATTEMPTS = 200
ZONE = "Europe/Amsterdam"


def _practice(name: str, practitioners: int) -> tuple[Any, list[Any]]:
    from django.contrib.auth.hashers import make_password

    from lijfwijs.accounts.models import Membership, Practice, User

    practice = Practice.objects.create(name=name, time_zone=ZONE)
    unusable = make_password(None)
    slug = name.lower().replace(" ", "-")
    people = User.objects.bulk_create(
        [
            User(
                email=f"{slug}-{n}@bench.invalid",
                password=unusable,
                role="practitioner",
                display_name=f"Behandelaar {n + 1}",
            )
            for n in range(practitioners)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                practice=practice,
                role=Membership.Role.OWNER if n == 0 else Membership.Role.PRACTITIONER,
            )
            for n, u in enumerate(people)
        ]
    )
    return practice, people


def _appointment_type(practice: Any, people: list[Any], **fields: Any) -> Any:
    from lijfwijs.booking.models import AppointmentType, WeeklyHours

    kind = AppointmentType.objects.create(practice=practice, **fields)
    kind.practitioners.add(*people)
    WeeklyHours.objects.bulk_create(
        [
            WeeklyHours(
                practice=practice, practitioner=p, weekday=day, start=clock(8), end=clock(18)
            )
            for p in people
            for day in range(5)
        ]
    )
    return kind


def booking_practice() -> tuple[int, date, date, int]:
    """A practice whose 5 practitioners work weekdays 08:00-18:00 and give a 30-minute call for
    anyone, with 2,000 confirmed bookings on the weekdays of the next 60 days (about half of
    their times). Returns (type id, first and last day of the month asked for, bookings)."""
    from django.utils import timezone

    from lijfwijs.booking.models import GRAIN_MINUTES, Booking, OccupiedMinute

    practice, people = _practice("Bench Boekpraktijk", PRACTITIONERS)
    kind = _appointment_type(
        practice,
        people,
        name="Gratis adviesgesprek",
        duration_minutes=30,
        slot_step_minutes=30,
        is_free=True,
        min_notice_hours=12,
        horizon_days=60,
    )
    zone = ZoneInfo(ZONE)
    today = timezone.now().astimezone(zone).date()
    grid = [
        (today + timedelta(days=d), clock(8 + m // 60, m % 60))
        for d in range(2, 62)
        if (today + timedelta(days=d)).weekday() < 5
        for m in range(0, 600, 30)
    ]
    rng = random.Random(13)
    chosen = rng.sample([(p, day, at) for p in people for day, at in grid], BOOKINGS)
    now = timezone.now()
    rows = []
    for n, (person, day, at) in enumerate(chosen):
        start = datetime.combine(day, at, tzinfo=zone).astimezone(ZoneInfo("UTC"))
        end = start + timedelta(minutes=30)
        rows.append(
            Booking(
                practice=practice,
                appointment_type=kind,
                practitioner=person,
                status=Booking.Status.CONFIRMED,
                origin=Booking.Origin.VISITOR,
                start=start,
                end=end,
                occupied_start=start,
                occupied_end=end,
                confirmed_at=now,
                name=f"Bezoeker {n}",
                email=f"bezoeker-{n}@bench.invalid",
            )
        )
    made = Booking.objects.bulk_create(rows, batch_size=500)
    OccupiedMinute.objects.bulk_create(
        [
            OccupiedMinute(
                practitioner_id=b.practitioner_id,
                minute=b.start + timedelta(minutes=step),
                booking_id=b.pk,
            )
            for b in made
            for step in range(0, 30, GRAIN_MINUTES)
        ],
        batch_size=2000,
    )
    first = today + timedelta(days=1)
    return kind.pk, first, first + timedelta(days=MONTH_DAYS - 1), len(made)


def slots_path(type_id: int, first: date, last: date) -> str:
    return f"/api/v1/booking/appointment-types/{type_id}/slots?from={first}&to={last}"


# --- 200 parallel attempts on 20 times ---------------------------------------------------------


def race_practice() -> tuple[int, list[str]]:
    """A practice with one practitioner and a call every 30 minutes: the 20 first free times of
    the day after tomorrow and the day after (ISO, with offset)."""
    from django.utils import timezone

    from lijfwijs.booking import services

    practice, people = _practice("Bench Drukke Praktijk", 1)
    kind = _appointment_type(
        practice,
        people,
        name="Gratis adviesgesprek",
        duration_minutes=25,
        buffer_after_minutes=5,
        slot_step_minutes=30,
        is_free=True,
        min_notice_hours=1,
    )
    today = timezone.now().astimezone(ZoneInfo(ZONE)).date()
    found = services.free_slots(kind, today + timedelta(days=2), today + timedelta(days=12))
    if len(found) < RACE_SLOTS:
        raise BenchError(f"the race's practice has {len(found)} free times, not {RACE_SLOTS}")
    zone = ZoneInfo(ZONE)
    return kind.pk, [s.start.astimezone(zone).isoformat() for s in found[:RACE_SLOTS]]


@dataclass
class Race:
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0  # 5xx, a broken connection, a 409 without alternatives, anything unexpected
    detail: str = ""
    seconds: float = 0.0
    stored: int = 0


def _attempt(port: int, type_id: int, start: str, n: int) -> tuple[str, str]:
    body = json.dumps(
        {
            "appointment_type": type_id,
            "start": start,
            "name": f"Racer {n}",
            "email": f"racer-{n}@bench.invalid",
        }
    )
    headers = {
        "Content-Type": "application/json",
        # one visitor per address, behind the one trusted proxy the server is told of
        "X-Forwarded-For": f"10.{n // 250}.{n % 250}.1",
    }
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("POST", "/api/v1/booking/bookings", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as exc:
        return "error", f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    if resp.status == 409:
        try:
            alternatives = json.loads(data).get("alternatives")
        except ValueError:
            alternatives = None
        if not alternatives:
            return "409 without alternatives", data[:300].decode(errors="replace")
    return str(resp.status), data[:300].decode(errors="replace")


def race(port: int, type_id: int, starts: list[str]) -> Race:
    """RACE_ATTEMPTS visitors at once, each booking one of the times (10 per time), released
    together; then the bookings stored."""
    import time

    from lijfwijs.booking.models import Booking

    out = Race()
    lock = threading.Lock()
    barrier = threading.Barrier(RACE_ATTEMPTS)

    def run(n: int) -> None:
        barrier.wait()
        status, detail = _attempt(port, type_id, starts[n % len(starts)], n)
        with lock:
            out.statuses[status] += 1
            if status not in ("201", "409"):
                out.errors += 1
                out.detail = out.detail or f"{status}: {detail}"

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(RACE_ATTEMPTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    out.seconds = time.monotonic() - began
    if any(t.is_alive() for t in threads):
        raise BenchError("a booking attempt of the race did not finish")
    out.stored = Booking.objects.filter(appointment_type_id=type_id).holding().count()
    return out
