"""No double booking under real parallel clients: gunicorn with 4 workers, over HTTP, through the
booking API, on the database this run uses (SQLite by default; PostgreSQL when DATABASE_URL is a
PostgreSQL URL).

- 50 visitors book the same time at once: exactly one 2xx, 49 times 409 with the nearest free
  times, no server error, and one booking holding the time.
- A reschedule races new bookings of the same time: exactly one wins, every round.

The server works on this run's test database (as in core/tests/test_many_processes.py): the tests
are transactional, so what each one makes is committed where the workers read it.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lijfwijs.core.tests.test_many_processes import (
    HOST,
    ROOT,
    free_port,
    server_database_url,
    wait_until_up,
)

WORKERS = 4
VISITORS = 50
ROUNDS = 6  # reschedule against new bookings, one time each
API = "/api/v1/booking"


@dataclass
class Answer:
    status: int
    body: dict


def call(port: int, method: str, path: str, body: dict | None, address: str) -> Answer:
    """One JSON request on a new connection (any worker may take it), from `address` as the
    trusted proxy in front of the server reports it."""
    headers = {"X-Forwarded-For": address, "Accept-Language": "nl"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw[:300].decode(errors="replace")}
        return Answer(resp.status, parsed)
    finally:
        conn.close()


def at_once(requests: list[Any]) -> list[Answer]:
    """Run the request functions in threads released at the same moment."""
    barrier = threading.Barrier(len(requests))
    answers: list[Answer | None] = [None] * len(requests)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = requests[index]()
        except OSError as error:  # a broken connection counts as a server error
            answers[index] = Answer(599, {"error": str(error)})

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return [a if a is not None else Answer(598, {}) for a in answers]


@dataclass
class Site:
    port: int
    database: str
    error_log: Path


def start_gunicorn(tmp: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": server_database_url(),
        "REDIS_URL": "",  # tasks in the database, counters in the database
        "CACHE_KEY_PREFIX": f"booking-{uuid.uuid4().hex[:8]}",
        "LIJFWIJS_VAR_DIR": str(tmp),
        "TRUSTED_PROXY_COUNT": "1",  # each visitor has their own address
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "lijfwijs.wsgi",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        "--backlog=256",
        f"--bind={HOST}:{port}",
    ]
    with open(tmp / "error.log", "ab") as log:
        return subprocess.Popen(  # noqa: S603 - our own gunicorn, on loopback
            command, cwd=ROOT, env=env, stdout=log, stderr=log
        )


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("gunicorn-booking")
    port = free_port()
    server = start_gunicorn(tmp, port)
    try:
        wait_until_up(port, server, tmp)
        on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
        yield Site(port, "PostgreSQL" if on_postgres else "SQLite", tmp / "error.log")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def a_practice_with_one_practitioner() -> Any:
    """A practice whose one practitioner gives a 30-minute call (10 minutes' pause after) every
    day 07:00-21:00, at the hour and the half hour."""
    from lijfwijs.accounts.models import Membership
    from lijfwijs.accounts.tests.helpers import make_practitioner
    from lijfwijs.booking.models import AppointmentType, WeeklyHours

    suffix = uuid.uuid4().hex[:6]
    giver = make_practitioner(
        f"geef-{suffix}@example.org",
        practice_name=f"Praktijk Gelijktijdig {suffix}",
        display_name="Gerrit",
        member_role=Membership.Role.OWNER,
    )
    practice = giver.membership.practice
    kind = AppointmentType.objects.create(
        practice=practice,
        name="Gratis adviesgesprek",
        duration_minutes=30,
        buffer_after_minutes=10,
        slot_step_minutes=30,
        min_notice_hours=1,
        is_free=True,
    )
    kind.practitioners.add(giver)
    for weekday in range(7):
        WeeklyHours.objects.create(
            practice=practice, practitioner=giver, weekday=weekday, start=clock(7), end=clock(21)
        )
    return kind


def free_starts(kind: Any, days_ahead: int) -> list[Any]:
    from lijfwijs.booking import services

    zone = ZoneInfo(kind.practice.time_zone)
    day = timezone.now().astimezone(zone).date() + timedelta(days=days_ahead)
    return [s.start for s in services.free_slots(kind, day, day)]


def visitor(kind: Any, start: Any, n: int) -> dict:
    return {
        "appointment_type": kind.pk,
        "start": start.isoformat(),
        "name": f"Bezoeker {n}",
        "email": f"bezoeker-{n}@example.org",
    }


def holding_at(kind: Any, start: Any) -> int:
    """Bookings that hold any of the time of a booking at `start` (its occupied span)."""
    from lijfwijs.booking.models import Booking

    end = start + timedelta(minutes=kind.duration_minutes + kind.buffer_after_minutes)
    return (
        Booking.objects.holding()
        .filter(
            practitioner__in=kind.practitioners.all(),
            occupied_start__lt=end,
            occupied_end__gt=start,
        )
        .count()
    )


@pytest.mark.django_db(transaction=True)
def test_fifty_visitors_booking_the_same_time_get_one_booking(site):
    from lijfwijs.booking.models import Booking

    kind = a_practice_with_one_practitioner()
    start = free_starts(kind, 3)[4]
    path = f"{API}/bookings"
    requests = [
        (lambda n=n: call(site.port, "POST", path, visitor(kind, start, n), f"198.51.100.{n + 1}"))
        for n in range(VISITORS)
    ]
    began = time.monotonic()
    answers = at_once(requests)
    took = time.monotonic() - began
    statuses = Counter(a.status for a in answers)
    assert statuses == {201: 1, 409: VISITORS - 1}, (site.database, statuses, answers[:3])
    for refused in (a for a in answers if a.status == 409):
        assert "net door iemand anders geboekt" in refused.body["detail"]
        assert refused.body["alternatives"], "the nearest free times"
        assert all(alt["start"] != start.isoformat() for alt in refused.body["alternatives"])
    assert Booking.objects.filter(appointment_type=kind).count() == 1
    assert holding_at(kind, start) == 1
    assert "Traceback" not in site.error_log.read_text()
    # 49 refusals each look for the nearest free times: seconds, never a lock's timeout
    assert took < 60, f"{site.database}: {took:.1f} s"


@pytest.mark.django_db(transaction=True)
def test_a_reschedule_racing_a_booking_of_the_same_time_one_wins(site):
    from lijfwijs.booking.models import Booking

    kind = a_practice_with_one_practitioner()
    starts = free_starts(kind, 4)
    for round_ in range(ROUNDS):
        # a booking early in the day, moved to a free time later that others book at once
        before = starts[2 * round_]  # an hour apart: each round's own
        first = call(
            site.port,
            "POST",
            f"{API}/bookings",
            visitor(kind, before, 1000 + round_),
            f"192.0.2.{round_ + 1}",
        )
        assert first.status == 201, first.body
        token = first.body["token"]
        wanted = starts[-1 - 2 * round_]
        move = f"{API}/bookings/{token}/reschedule"
        answers = at_once(
            [
                lambda move=move, wanted=wanted: call(
                    site.port, "POST", move, {"start": wanted.isoformat()}, "192.0.2.99"
                ),
                *[
                    (
                        lambda n=n, wanted=wanted, round_=round_: call(
                            site.port,
                            "POST",
                            f"{API}/bookings",
                            visitor(kind, wanted, 100 * round_ + n),
                            f"203.0.113.{10 * round_ + n}",
                        )
                    )
                    for n in range(1, 4)
                ],
            ]
        )
        statuses = [a.status for a in answers]
        won = [s for s in statuses if s in (200, 201)]
        assert len(won) == 1, (site.database, round_, statuses)
        assert set(statuses) <= {200, 201, 409}, (round_, statuses, answers)
        assert holding_at(kind, wanted) == 1, round_
        moved = Booking.objects.get(token=token)
        if statuses[0] == 200:
            assert moved.start == wanted
        else:
            assert moved.start == before  # it stayed where it was
    assert "Traceback" not in site.error_log.read_text()


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_its_first_attempt_books_once():
    """Four copies of one signed-in request with one Idempotency-Key at the same moment (in
    process, real database connections): one booking, every answer about it (201 once, 200 for
    the rest), never a 409 for the caller's own booking."""
    from django.conf import settings
    from django.test import Client

    from lijfwijs.accounts.tests.helpers import make_client_user
    from lijfwijs.booking.models import Booking
    from lijfwijs.core.tests.parallel import in_threads

    kind = a_practice_with_one_practitioner()
    start = free_starts(kind, 3)[2]
    person = make_client_user(f"dubbel-{uuid.uuid4().hex[:6]}@example.org", consent=False)
    browser = Client()
    browser.force_login(person, backend="lijfwijs.accounts.backends.UserBackend")
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    body = json.dumps({"appointment_type": kind.pk, "start": start.isoformat()})

    def attempt() -> tuple[int, str]:
        same = Client()
        same.cookies[settings.SESSION_COOKIE_NAME] = session
        answer = same.post(
            f"{API}/bookings",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="dubbel-klikken",
        )
        return answer.status_code, answer.json().get("token", "")

    answers = in_threads(attempt, 4)
    assert sorted(status for status, _token in answers) == [200, 200, 200, 201], answers
    assert len({token for _status, token in answers}) == 1
    assert Booking.objects.filter(appointment_type=kind).count() == 1
