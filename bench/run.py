"""Lijfwijs benchmark: throughput of one gunicorn sync worker (anonymous pages, a signed-in
client's home, check-in and insights pages, and check-in saves with no write lost), the pure
scoring and diary-insights cores, the export of a client with a year of data, and database
queries per report view, export, client home and diary page, in one run. See bench/README.md.

Plain Python, no pytest. Builds a throwaway var dir, migrates and loads content into it, starts
gunicorn on 127.0.0.1 only, measures, prints one table and cleans up. Exit status 0 when every
measurement was taken (a missed target is a row marked MISSED), 1 on a harness error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # the only address this harness ever talks to
PIJNTEST_TOML = "lijfwijs/assessments/instruments/pijntest.toml"
QUESTION_PATH = "/pijntest/vragen/toestand/"
LOGIN_PATH = "/account/inloggen/"
HOME_MARKER = b"home-pijntest"  # the Pijntest panel of a signed-in client's dashboard
HOME_RESULTS = 5  # completed Pijntests of the client whose home page is loaded
CHECKIN_PATH = "/dagboek/nieuw/"
CHECKIN_MARKER = b'name="pain"'  # the pain scale of the check-in form
CHECKIN_SAVED = "/dagboek/"  # where a saved check-in redirects to
INSIGHTS_PATH = "/dagboek/inzichten/"
INSIGHTS_MARKER = b'id="trend-heading"'  # the pain-trend section of the insights body
DIARY_DAYS = 120  # days of check-ins of the client whose diary pages are loaded
DIARY_QUERY_DAYS = (10, 2000)  # days of check-ins of the two clients whose queries are counted
PLAYER_PATH = "/oefeningen/4-7-8-ademhaling/oefenen/"
PLAYER_MARKER = b'id="player-data"'  # the player's data (json_script) on a player page
PROGRAM_PATH = "/programma/"
PROGRAM_MARKER = b'id="program-steps"'  # the list of the five steps on the overview
PRACTICE_QUERY_SESSIONS = (10, 1000)  # logged practice sessions of the two clients counted

# Targets from the issue.
QUESTION_SHARE = 0.25  # a test page >= 25% of the /healthz floor
REPORT_SHARE = 0.50  # a stored report >= 50% of the floor
SCORINGS_PER_S = 20_000  # pure core, one core
MAX_REPORT_QUERIES = 5  # per report view, and the same for every report
HOME_SHARE = 0.20  # a signed-in client's home page >= 20% of the floor
EXPORT_SECONDS = 1.0  # export of a client with a year of data
INSIGHTS_MS = 50.0  # the insights core for 5 years of data (bench/insights_bench.py)
CHECKIN_SHARE = 0.20  # the check-in page >= 20% of the floor
INSIGHTS_SHARE = 0.20  # the insights page >= 20% of the floor
SAVES_PER_S = 200  # check-in POSTs per second on SQLite, one sync worker, no write lost
PLAYER_SHARE = 0.25  # a player page >= 25% of the floor
PROGRAM_SHARE = 0.25  # the program page >= 25% of the floor
PLAYER_ASSET_BYTES = 30_000  # a player's JavaScript and CSS together, gzip-compressed


class BenchError(RuntimeError):
    """The harness could not take a measurement (not a missed target)."""


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Environment and setup


def bench_env(var_dir: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "DJANGO_SETTINGS_MODULE": "lijfwijs.settings",
        "LIJFWIJS_VAR_DIR": str(var_dir),
        "SECRET_KEY": "bench-secret-not-for-production-" + "x" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "PIJNTEST_RATE_LIMIT": "1000000",
        # A fresh key per run for the encrypted fields (the database is thrown away too).
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "LOG_LEVEL": "WARNING",
        # Keep the benchmark on local SQLite and local-memory cache whatever the shell has set.
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }


def manage(*args: str) -> None:
    cmd = [sys.executable, "manage.py", *args]
    log("$ " + " ".join(cmd[1:]))
    proc = subprocess.run(
        cmd, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-25:]
        raise BenchError(
            f"manage.py {' '.join(args)} failed ({proc.returncode}):\n" + "\n".join(tail)
        )


# ---------------------------------------------------------------------------------------------
# Pure core: scorings per second


def full_answers(instrument: Any) -> dict[str, Any]:
    """A complete, valid Pijntest answer set (as lijfwijs/assessments/tests/factories.py builds it,
    but from the engine's own instrument, without the registry or Django)."""
    answers: dict[str, Any] = {}
    for iid, item in instrument.items.items():
        if iid.startswith(("redflag.", "crisis.", "neuro.")):
            answers[iid] = "no"
        elif item.type == "scale":
            answers[iid] = 2 if item.max <= 4 else 5
    answers.update({"pain.duration": "gt1y", "pain.regions": ["lower_back"], "time.per_day": "10"})
    return answers


def bench_scoring(seconds: float, repeats: int = 3) -> tuple[float, dict[str, Any]]:
    from lijfwijs.assessments import engine

    instrument = engine.load_file(ROOT / PIJNTEST_TOML)
    clean, problems = engine.validate(instrument, full_answers(instrument))
    if problems:
        raise BenchError(f"the benchmark's Pijntest answer set does not validate: {problems}")
    score = engine.score
    for _ in range(200):  # warm up
        score(instrument, clean)
    best = 0.0
    for _ in range(repeats):
        n, batch = 0, 500
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            for _ in range(batch):
                score(instrument, clean)
            n += batch
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, n / (now - start))
    return best, clean


def bench_insights(runs: int = 5) -> tuple[float, str]:
    """The diary insights core for one client with 5 years of data: bench/insights_bench.py's
    measurement (best of `runs`, ms) and what it measured."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from insights_bench import measure

    return measure(runs)


# ---------------------------------------------------------------------------------------------
# In process: stored reports and queries per report view


def make_reports(answers: dict[str, Any], count: int = 2) -> list[str]:
    """Store completed Pijntest reports through the API (in process); return their report URLs."""
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST=HOST)
    urls = []
    for _ in range(count):
        resp = client.post(
            "/api/v1/instruments/pijntest/responses",
            data=json.dumps({"answers": answers}),
            content_type="application/json",
        )
        if resp.status_code != 201:
            raise BenchError(
                f"POST /api/v1/instruments/pijntest/responses gave {resp.status_code}: "
                f"{resp.content[:500]!r}"
            )
        rid = resp.json()["id"]
        urls.append(reverse("assessments:report", kwargs={"response_id": rid}))
    return urls


def count_report_queries(urls: list[str]) -> list[tuple[int, int]]:
    """(first, cached) query counts for one view of each report URL, in a fresh client."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    counts = []
    for url in urls:
        client = Client(HTTP_HOST=HOST)
        pair = []
        for _ in ("first", "cached"):
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get(url)
            if resp.status_code != 200:
                raise BenchError(f"GET {url} (in process) gave {resp.status_code}")
            pair.append(len(ctx.captured_queries))
        counts.append((pair[0], pair[1]))
    connection.close()
    return counts


# ---------------------------------------------------------------------------------------------
# In process: signed-in clients, their export and the queries of their home page


def make_user(email: str, role: str = "client", password: str | None = None) -> Any:
    """A user; without a password it gets an unusable one (no slow hashing)."""
    from lijfwijs.accounts.models import User

    return User.objects.create_user(email, password, role=role)


def add_results(user: Any, answers: dict[str, Any], count: int) -> None:
    """`count` completed Pijntest responses of `user`, one a day back from today (bulk_create;
    every response holds the same valid answer set and its scored result)."""
    from datetime import timedelta

    from django.utils import timezone

    from lijfwijs.assessments import engine, registry
    from lijfwijs.assessments.models import Response

    instrument = registry.get("pijntest")
    clean, problems = engine.validate(instrument, answers)
    if problems:
        raise BenchError(f"the benchmark's answer set does not validate in the app: {problems}")
    result = engine.score(instrument, clean)
    now = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                instrument=instrument.id,
                version=instrument.version,
                status=Response.Status.COMPLETED,
                user=user,
                answers=clean,
                result=result,
                created_at=now - timedelta(days=day),
                completed_at=now - timedelta(days=day),
            )
            for day in range(count)
        ],
        batch_size=200,
    )


def add_account_data(user: Any, practitioners: list[Any], log_rows: int) -> None:
    """Consents, one access grant per practitioner (the last one revoked when there are more than
    one) and `log_rows` access-log rows about `user`: up to 3 consents (health data, an older
    withdrawn health-data consent, practitioner access)."""
    from datetime import timedelta

    from django.utils import timezone

    from lijfwijs.accounts.models import AccessLog, Consent, ConsentText, PractitionerAccess

    def version(kind: str) -> str:
        text = ConsentText.current(kind)
        return text.version if text is not None else "1"

    now = timezone.now()
    health, access = ConsentText.Kind.HEALTH_DATA, ConsentText.Kind.PRACTITIONER_ACCESS
    consents = [Consent(user=user, kind=health, version=version(health))]
    if len(practitioners) > 1:
        consents += [
            Consent(
                user=user,
                kind=health,
                version=version(health),
                given_at=now - timedelta(days=400),
                withdrawn_at=now - timedelta(days=366),
            ),
            Consent(user=user, kind=access, version=version(access)),
        ]
    Consent.objects.bulk_create(consents)
    grants = []
    for i, practitioner in enumerate(practitioners):
        revoked = len(practitioners) > 1 and i == len(practitioners) - 1
        grants.append(
            PractitionerAccess(
                client=user,
                practitioner=practitioner,
                consent_version=version(access),
                status=PractitionerAccess.Status.REVOKED
                if revoked
                else PractitionerAccess.Status.ACTIVE,
                revoked_at=now if revoked else None,
            )
        )
    PractitionerAccess.objects.bulk_create(grants)
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                at=now - timedelta(minutes=525 * i),  # spread over the year
                actor_id=practitioners[i % len(practitioners)].pk,
                actor_email=practitioners[i % len(practitioners)].email,
                actor_role="practitioner",
                client_id=user.pk,
                kind=AccessLog.Kind.PIJNTEST,
                action=AccessLog.Action.VIEW,
            )
            for i in range(log_rows)
        ],
        batch_size=500,
    )


def bench_export(answers: dict[str, Any]) -> tuple[float, int, int, int]:
    """(best seconds of 3, bytes, queries for 10 responses, queries for 365 responses): the export
    of a client with a year of data (365 responses, 3 consents, 3 access grants, 1,000 access-log
    rows) and the query count of a small client (10 responses, 1 consent, 1 grant, 10 log rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lijfwijs.accounts.exporting import export_user

    practitioners = [make_user(f"bench-p{i}@bench.invalid", "practitioner") for i in range(3)]
    small = make_user("bench-export-10@bench.invalid")
    add_results(small, answers, 10)
    add_account_data(small, practitioners[:1], 10)
    year = make_user("bench-export-365@bench.invalid")
    add_results(year, answers, 365)
    add_account_data(year, practitioners, 1000)

    queries = []
    for user, responses, consents, grants, log_rows in (
        (small, 10, 1, 1, 10),
        (year, 365, 3, 3, 1000),
    ):
        with CaptureQueriesContext(connection) as ctx:
            data = json.loads(json.dumps(export_user(user)))
        queries.append(len(ctx.captured_queries))
        # A fast export that leaves data out must not pass (docs/export.md gives the shape).
        got = (
            len(data.get("assessments", {}).get("responses", [])),
            len(data.get("account", {}).get("consents", [])),
            len(data.get("account", {}).get("practitioner_access", [])),
            len(data.get("account", {}).get("access_log", [])),
        )
        if got != (responses, consents, grants, log_rows):
            raise BenchError(
                f"the export of {user.email} holds {got} (responses, consents, access grants, "
                f"access-log rows); stored were {(responses, consents, grants, log_rows)}"
            )

    best, size = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        body = json.dumps(export_user(year))
        best = min(best, time.perf_counter() - start)
        size = len(body)
    connection.close()
    return best, size, queries[0], queries[1]


def count_home_queries(answers: dict[str, Any]) -> tuple[int, int]:
    """Queries of the signed-in home page of a client with 1 result and one with 50 (the test
    client, force_login; the second view counts, after the first has stored the session)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 50):
        user = make_user(f"bench-home-{n}@bench.invalid")
        add_results(user, answers, n)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for view in ("first", "counted"):
            with CaptureQueriesContext(connection) as ctx:
                resp = client.get("/")
            if resp.status_code != 200:
                raise BenchError(f"GET / as a client (in process, {view}) gave {resp.status_code}")
            if HOME_MARKER not in resp.content:
                raise BenchError(f"GET / as a client (in process) has no {HOME_MARKER!r}")
        counts.append(len(ctx.captured_queries))
    connection.close()
    return counts[0], counts[1]


# ---------------------------------------------------------------------------------------------
# In process: diary check-ins and the queries of the diary pages


def diary_client(email: str, days: int, password: str | None = None) -> Any:
    """A client with health-data consent and `days` days of check-ins."""
    from lijfwijs.accounts.services import give_health_consent

    user = make_user(email, password=password)
    give_health_consent(user)
    add_checkins(user, days, seed=days)
    return user


def add_checkins(user: Any, days: int, seed: int) -> int:
    """1-3 check-ins a day on the `days` local days up to today, each with 0-3 of six starter
    tags, pain a little higher with one of them (bulk_create, as load_demo's `_diary` does);
    return how many were stored."""
    from datetime import time as clock
    from datetime import timedelta

    from lijfwijs.diary import services
    from lijfwijs.diary.models import CheckIn, Tag

    tags = list(Tag.objects.filter(user__isnull=True, is_active=True).order_by("pk")[:6])
    if len(tags) < 6:
        raise BenchError(f"only {len(tags)} starter tags in the database (manage.py load_content)")
    rng = random.Random(seed)
    zone = services.zone_of(user)
    today = services.local_today(user)
    checkins, links = [], []
    for n in range(days):
        day = today - timedelta(days=n)
        for hour in sorted(rng.sample([8, 13, 18, 21], rng.choice([1, 2, 3]))):
            chosen = rng.sample(tags, rng.choice([0, 1, 1, 2, 3]))
            pain = 4 + (2 if tags[0] in chosen else 0) + rng.gauss(0, 1.2)
            checkin = CheckIn(
                user=user,
                day=day,
                at=datetime.combine(day, clock(hour, rng.randint(0, 59)), tzinfo=zone),
                pain=max(0, min(10, round(pain))),
                stress=rng.randint(0, 10),
                sleep=rng.randint(0, 10) if hour == 8 else None,
                energy=rng.randint(0, 10),
            )
            checkins.append(checkin)
            links.extend((checkin, tag) for tag in chosen)
    CheckIn.objects.bulk_create(checkins, batch_size=500)
    CheckIn.tags.through.objects.bulk_create(
        [CheckIn.tags.through(checkin_id=c.pk, tag_id=t.pk) for c, t in links], batch_size=500
    )
    return len(checkins)


def count_diary_queries() -> dict[str, list[tuple[int, int]]]:
    """Queries of the check-in page and the insights page, in process (test client, force_login),
    for a client with 10 days of check-ins and one with 2,000: {path: [(first, second) per
    client]}. The second view counts (the first stores the session and fills the caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts: dict[str, list[tuple[int, int]]] = {CHECKIN_PATH: [], INSIGHTS_PATH: []}
    for days in DIARY_QUERY_DAYS:
        user = diary_client(f"bench-diary-{days}@bench.invalid", days)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for path, marker in ((CHECKIN_PATH, CHECKIN_MARKER), (INSIGHTS_PATH, INSIGHTS_MARKER)):
            pair = []
            for view in ("first", "second"):
                with CaptureQueriesContext(connection) as ctx:
                    resp = client.get(path)
                if resp.status_code != 200:
                    raise BenchError(
                        f"GET {path} ({days} days, in process, {view}) gave {resp.status_code}"
                    )
                if marker not in resp.content:
                    raise BenchError(f"GET {path} ({days} days, in process) has no {marker!r}")
                pair.append(len(ctx.captured_queries))
            counts[path].append((pair[0], pair[1]))
    connection.close()
    return counts


def stored_keys(email: str) -> set[str]:
    """The client keys of a user's stored check-ins (in process, from the bench's SQLite file)."""
    from django.db import connection

    from lijfwijs.diary.models import CheckIn

    keys = set(
        CheckIn.objects.filter(user__email=email)
        .exclude(client_key="")
        .values_list("client_key", flat=True)
    )
    connection.close()
    return keys


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> tuple[int, dict[str, str], bytes, list[str]]:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        cookies = resp.headers.get_all("Set-Cookie") or []
        return resp.status, dict(resp.getheaders()), data, cookies
    finally:
        conn.close()


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        raise BenchError(f"{gunicorn} not found; install the project (make bench does)")
    cmd = [
        str(gunicorn),
        "lijfwijs.wsgi",
        "-w",
        "1",
        "-k",
        "sync",
        "-b",
        f"{HOST}:{port}",
        "--error-logfile",
        str(log_path),
        "--log-level",
        "warning",
    ]
    log(f"$ gunicorn lijfwijs.wsgi -w 1 -k sync -b {HOST}:{port}")
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def wait_ready(
    port: int, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            status, _, _, _ = request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"/healthz did not answer within {timeout:.0f}s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def cookie_value(set_cookies: list[str], name: str) -> str | None:
    for header in set_cookies:
        first = header.split(";", 1)[0]
        key, _, value = first.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


def draft_cookie(port: int) -> str:
    """Start a Pijntest draft through the running server; return the Cookie header that holds it."""
    status, _, body, cookies = request(port, "GET", "/pijntest/")
    if status != 200:
        raise BenchError(f"GET /pijntest/ gave {status}")
    csrf_cookie = cookie_value(cookies, "csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not csrf_cookie or not match:
        raise BenchError("GET /pijntest/ gave no csrftoken cookie or no csrfmiddlewaretoken field")
    status, headers, body, cookies = request(
        port,
        "POST",
        "/pijntest/begin/",
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=f"csrfmiddlewaretoken={match.group(1).decode()}",
    )
    session = cookie_value(cookies, "sessionid")
    if status != 302 or not session:
        raise BenchError(
            f"POST /pijntest/begin/ gave {status} (expected 302 with a session): {body[:300]!r}"
        )
    location = urlsplit(headers.get("Location", "")).path
    if not location.startswith("/pijntest/vragen/"):
        raise BenchError(
            f"POST /pijntest/begin/ redirected to {location!r}, not to a question page"
        )
    return f"csrftoken={csrf_cookie}; sessionid={session}"


def login_cookie(port: int, email: str, password: str) -> str:
    """Sign in through the running server like a browser; return the Cookie header of the session."""
    status, _, body, cookies = request(port, "GET", LOGIN_PATH)
    if status != 200:
        raise BenchError(f"GET {LOGIN_PATH} gave {status}")
    csrf_cookie = cookie_value(cookies, "csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not csrf_cookie or not match:
        raise BenchError(f"GET {LOGIN_PATH} gave no csrftoken cookie or no csrfmiddlewaretoken")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": email, "password": password}
    )
    status, headers, body, cookies = request(
        port,
        "POST",
        LOGIN_PATH,
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=form,
    )
    session = cookie_value(cookies, "sessionid")
    if status != 302 or not session:
        raise BenchError(
            f"POST {LOGIN_PATH} gave {status} (expected 302 with a session): {body[:300]!r}"
        )
    location = urlsplit(headers.get("Location", "")).path
    if location != "/":
        raise BenchError(f"POST {LOGIN_PATH} redirected to {location!r}, not to /")
    # Django rotates the CSRF token on login; keep the new one, as a browser would.
    csrf_cookie = cookie_value(cookies, "csrftoken") or csrf_cookie
    return f"csrftoken={csrf_cookie}; sessionid={session}"


# ---------------------------------------------------------------------------------------------
# In process: practice sessions, the program, and the player's assets


def add_practice(user: Any, sessions: int, seed: int) -> None:
    """`sessions` logged practice sessions over the last days, with tension before and after,
    spread over the catalog's exercises (bulk_create), and a place in the program."""
    from datetime import timedelta

    from django.utils import timezone

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.exercises import services
    from lijfwijs.exercises.models import Exercise, PracticeSession

    progress = services.ensure_progress(user)
    exercises = list(Exercise.objects.active())
    rng = random.Random(seed)
    now, zone = timezone.now(), zone_of(user)
    rows = []
    for n in range(sessions):
        started = now - timedelta(hours=7 * n + 1)
        before = rng.randint(3, 9)
        rows.append(
            PracticeSession(
                user=user,
                exercise=exercises[n % len(exercises)],
                started_at=started,
                day=started.astimezone(zone).date(),
                seconds=rng.randint(60, 600),
                completed=True,
                tension_before=before,
                tension_after=max(0, before - rng.randint(0, 4)),
                program_step=progress.current_step,
            )
        )
    PracticeSession.objects.bulk_create(rows, batch_size=500)
    services.forget_practice(user.pk)


def count_practice_queries() -> dict[str, list[tuple[int, int]]]:
    """Queries of a player page and the program page, in process (test client, force_login), for
    a client with 10 logged practice sessions and one with 1,000: {path: [(first, second)]}."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    pages = ((PLAYER_PATH, PLAYER_MARKER), (PROGRAM_PATH, PROGRAM_MARKER))
    counts: dict[str, list[tuple[int, int]]] = {path: [] for path, _ in pages}
    for sessions in PRACTICE_QUERY_SESSIONS:
        user = diary_client(f"bench-practice-{sessions}@bench.invalid", 10)
        add_practice(user, sessions, seed=sessions)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for path, marker in pages:
            pair = []
            for view in ("first", "second"):
                with CaptureQueriesContext(connection) as ctx:
                    resp = client.get(path)
                if resp.status_code != 200 or marker not in resp.content:
                    raise BenchError(
                        f"GET {path} ({sessions} sessions, in process, {view}) gave "
                        f"{resp.status_code} or has no {marker!r}"
                    )
                pair.append(len(ctx.captured_queries))
            counts[path].append((pair[0], pair[1]))
    connection.close()
    return counts


def player_assets(port: int, headers: dict[str, str]) -> tuple[int, int, list[str]]:
    """The gzip-compressed bytes of the player's own JavaScript and CSS (the files under
    /static/exercises/) and of all the JavaScript and CSS its page loads, fetched from the server
    as a browser would; with the list of the player's own files."""
    import gzip

    status, _, body, _ = request(port, "GET", PLAYER_PATH, headers=headers)
    if status != 200:
        raise BenchError(f"GET {PLAYER_PATH} gave {status}")
    html = body.decode()
    urls = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(
        r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html
    )
    own, total, names = 0, 0, []
    for url in urls:
        status, _, asset, _ = request(port, "GET", url, headers={})
        if status != 200:
            raise BenchError(f"GET {url} (an asset of the player page) gave {status}")
        size = len(gzip.compress(asset, compresslevel=9))
        total += size
        if "/exercises/" in url:
            own += size
            names.append(url.rsplit("/", 1)[-1])
    if not names:
        raise BenchError(f"{PLAYER_PATH} loads no script or stylesheet of its own")
    return own, total, names


def check_page(port: int, path: str, headers: dict[str, str], must_contain: bytes) -> None:
    status, _, body, _ = request(port, "GET", path, headers=headers)
    if status != 200:
        raise BenchError(f"GET {path} gave {status}, expected 200")
    if must_contain not in body:
        raise BenchError(f"GET {path} does not look like the expected page (no {must_contain!r})")


def warm_up(port: int, path: str, headers: dict[str, str], n: int) -> None:
    for _ in range(n):
        status, _, _, _ = request(port, "GET", path, headers=headers)
        if status != 200:
            raise BenchError(f"warm-up GET {path} gave {status}")


# ---------------------------------------------------------------------------------------------
# Load generators


def load_wrk(
    port: int, path: str, headers: dict[str, str], seconds: int, threads: int, conns: int
) -> float:
    cmd = [
        shutil.which("wrk") or "wrk",
        f"-t{threads}",
        f"-c{conns}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
    ]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd.append(f"http://{HOST}:{port}{path}")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    out = proc.stdout
    if proc.returncode != 0:
        raise BenchError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    if bad and int(bad.group(1)):
        raise BenchError(f"GET {path}: {bad.group(1)} non-2xx/3xx responses under load:\n{out}")
    rate = re.search(r"Requests/sec:\s*([\d.]+)", out)
    if not rate:
        raise BenchError(f"could not read wrk's output:\n{out}")
    errors = re.search(r"Socket errors:.*", out)
    if errors and re.search(r"timeout [1-9]", errors.group(0)):
        log(f"note: {path}: {errors.group(0).strip()}")
    return float(rate.group(1))


def load_python(port: int, path: str, headers: dict[str, str], seconds: int, threads: int) -> float:
    """Fallback when wrk is missing: threads with http.client connections (reconnecting when the
    sync worker closes them) for a fixed time. Slower than wrk; the floor may be client-bound."""
    stop = time.monotonic() + seconds
    ok = [0] * threads
    failures: list[str] = []

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            while time.monotonic() < stop:
                try:
                    conn.request("GET", path, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    continue
                if resp.status != 200:
                    failures.append(f"{resp.status}")
                    return
                ok[i] += 1
                if resp.will_close:
                    conn.close()
        finally:
            conn.close()

    start = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 10)
    elapsed = time.monotonic() - start
    if failures:
        raise BenchError(f"GET {path}: status {failures[0]} under load")
    return sum(ok) / elapsed


# ---------------------------------------------------------------------------------------------
# Check-in saves: POSTs with a unique client key each, every acknowledged one must be stored


def checkin_token(port: int, cookie: str) -> str:
    """The csrfmiddlewaretoken of the signed-in client's check-in form (any masked copy of the
    cookie's secret is valid, so one serves every POST)."""
    status, _, body, _ = request(port, "GET", CHECKIN_PATH, headers={"Cookie": cookie})
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match:
        raise BenchError(f"GET {CHECKIN_PATH} gave {status} or no csrfmiddlewaretoken field")
    return match.group(1).decode()


@dataclass
class Saves:
    """What a run of check-in POSTs got back: the client keys acknowledged (302 to the diary) and
    every other outcome by status or error, with the first one's detail."""

    acked: set[str] = field(default_factory=set)
    failures: Counter[str] = field(default_factory=Counter)
    detail: str = ""
    seconds: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.acked) + sum(self.failures.values())


def post_checkin(
    port: int, cookie: str, token: str, zone: str, key: str, n: int, out: Saves
) -> None:
    """One check-in POST like the form sends it (today in the client's zone, now, a pain and a
    stress score, the client key); the outcome goes into `out`."""
    now = datetime.now(ZoneInfo(zone))
    form = urlencode(
        {
            "csrfmiddlewaretoken": token,
            "day": now.date().isoformat(),
            "time": now.strftime("%H:%M"),
            "pain": n % 11,
            "stress": (3 * n) % 11,
            "client_key": key,
        }
    )
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    try:
        status, resp_headers, body, _ = request(port, "POST", CHECKIN_PATH, headers, form)
    except (OSError, http.client.HTTPException) as exc:
        # Sent, maybe stored, not acknowledged: a stored row without a 302 shows as a mismatch.
        outcome, detail = type(exc).__name__, str(exc)
    else:
        location = urlsplit(resp_headers.get("Location", "")).path
        if status == 302 and location == CHECKIN_SAVED:
            out.acked.add(key)
            return
        outcome = f"{status}" + (f" to {location}" if location else "")
        detail = body[:300].decode(errors="replace")
    out.failures[outcome] += 1
    out.detail = out.detail or f"{outcome}: {detail}"


def load_posts(
    port: int, cookie: str, token: str, zone: str, seconds: float, threads: int
) -> Saves:
    """Check-in POSTs from `threads` threads for `seconds`, each with a new connection (the sync
    worker closes them) and a unique client key; a thread finishes its last request after the
    deadline, so every request sent has an answer (unlike wrk, which drops its in-flight ones)."""
    out = Saves()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        mine = Saves()
        n = 0
        while time.monotonic() < stop:
            post_checkin(port, cookie, token, zone, f"bench-load-{i}-{n}", n, mine)
            n += 1
        with lock:
            out.acked |= mine.acked
            out.failures.update(mine.failures)
            out.detail = out.detail or mine.detail

    start = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 30)
    out.seconds = time.monotonic() - start
    if any(t.is_alive() for t in pool):
        raise BenchError(f"a POST {CHECKIN_PATH} thread did not finish")
    return out


# ---------------------------------------------------------------------------------------------
# Report


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    head = ("metric", "value", "target", "ok?")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]

    def line(cells: tuple[str, ...]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    print(line(head))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def pct(share: float) -> str:
    """A share of the floor in whole percent, rounded down: 19.9% shows as 19%, not as a 20%
    that misses a target of 20%."""
    return f"{math.floor(share * 100)}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per URL, all rounds (10)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved rounds per URL, best one counts (2)"
    )
    parser.add_argument(
        "--score-seconds", type=float, default=2.0, help="seconds per scoring run (2)"
    )
    parser.add_argument(
        "--post-seconds", type=float, default=5.0, help="seconds of check-in POSTs (5)"
    )
    parser.add_argument(
        "--post-threads", type=int, default=4, help="threads sending check-in POSTs (4)"
    )
    parser.add_argument("--threads", type=int, default=2, help="load generator threads (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator")
    parser.add_argument("--keep", action="store_true", help="keep the var dir and gunicorn log")
    args = parser.parse_args(argv)

    started = time.monotonic()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    var_dir = Path(tempfile.mkdtemp(prefix="lijfwijs-bench-"))
    os.environ.update(bench_env(var_dir))
    log_path = var_dir / "gunicorn.log"
    server: subprocess.Popen[bytes] | None = None
    use_wrk = bool(shutil.which("wrk")) and not args.python_load
    try:
        manage("migrate", "--noinput")
        manage("load_content")
        manage("collectstatic", "--noinput")

        log(f"scoring in the pure core: 3 x {args.score_seconds:g}s")
        scorings, clean = bench_scoring(args.score_seconds)
        log("diary insights in the pure core, 5 years: best of 5")
        insights_ms, insights_what = bench_insights()

        import django

        django.setup()
        report_urls = make_reports(clean, count=2)
        query_counts = count_report_queries(report_urls)
        log("export of a client with a year of data: best of 3")
        export_s, export_bytes, export_q_small, export_q_year = bench_export(clean)
        home_queries = count_home_queries(clean)
        log(f"diary page queries: clients with {' and '.join(map(str, DIARY_QUERY_DAYS))} days")
        diary_queries = count_diary_queries()
        log(
            "player and program page queries: clients with "
            + " and ".join(map(str, PRACTICE_QUERY_SESSIONS))
            + " practice sessions"
        )
        practice_queries = count_practice_queries()
        # The client whose home, check-in and insights pages are loaded through the server, and
        # who saves check-ins under load.
        home_email, home_password = "bench-client@bench.invalid", "bench-client-password-2026"
        bench_client = diary_client(home_email, DIARY_DAYS, password=home_password)
        add_results(bench_client, clean, HOME_RESULTS)
        add_practice(bench_client, 60, seed=1)
        zone = bench_client.time_zone or "Europe/Amsterdam"
        keys_before = stored_keys(home_email)
        from django.db import connection

        connection.close()

        port = free_port()
        server = start_gunicorn(port, log_path)
        wait_ready(port, server, log_path)
        cookie = draft_cookie(port)
        client_cookie = login_cookie(port, home_email, home_password)
        targets = [
            ("/healthz", "/healthz", {}, b"ok"),
            ("question page", QUESTION_PATH, {"Cookie": cookie}, b"<form"),
            ("stored report", report_urls[0], {}, b"<html"),
            ("client home", "/", {"Cookie": client_cookie}, HOME_MARKER),
            ("check-in page", CHECKIN_PATH, {"Cookie": client_cookie}, CHECKIN_MARKER),
            ("insights page", INSIGHTS_PATH, {"Cookie": client_cookie}, INSIGHTS_MARKER),
            ("player page", PLAYER_PATH, {"Cookie": client_cookie}, PLAYER_MARKER),
            ("program page", PROGRAM_PATH, {"Cookie": client_cookie}, PROGRAM_MARKER),
        ]
        for _name, path, headers, marker in targets:
            check_page(port, path, headers, marker)
            warm_up(port, path, headers, 100)
        # Interleaved rounds, best per URL: a slow moment on a shared machine hits one round of
        # one URL, not the whole of one URL's measurement.
        slice_s = max(1, round(args.duration / args.rounds))
        rates: dict[str, float] = {}
        for rnd in range(1, args.rounds + 1):
            for name, path, headers, _marker in targets:
                if use_wrk:
                    rate = load_wrk(port, path, headers, slice_s, args.threads, args.connections)
                else:
                    rate = load_python(port, path, headers, slice_s, max(args.threads, 4))
                if server.poll() is not None:
                    raise BenchError(f"gunicorn died during the run:\n{tail(log_path)}")
                log(f"round {rnd}: GET {path}: {rate:,.0f} req/s")
                rates[name] = max(rates.get(name, 0.0), rate)

        own_gz, page_gz, own_files = player_assets(port, {"Cookie": client_cookie})

        # Check-in saves, after the page loads: every save drops the client's insights cache.
        token = checkin_token(port, client_cookie)
        warm = Saves()
        for n in range(20):  # the first checks the harness: a 302 to the diary
            post_checkin(port, client_cookie, token, zone, f"bench-warm-{n}", n, warm)
            if n == 0 and not warm.acked:
                raise BenchError(f"POST {CHECKIN_PATH} was not acknowledged: {warm.detail}")
        log(f"POST {CHECKIN_PATH}: {args.post_threads} threads for {args.post_seconds:g}s")
        saves = load_posts(port, client_cookie, token, zone, args.post_seconds, args.post_threads)
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the check-in saves:\n{tail(log_path)}")
        stop_gunicorn(server)
        acked = warm.acked | saves.acked
        stored = stored_keys(home_email) - keys_before
        sent = warm.sent + saves.sent
        log(
            f"check-in saves: {sent:,} sent, {len(acked):,} acknowledged, {len(stored):,} "
            f"stored; acknowledged but not stored: {len(acked - stored):,}, stored but not "
            f"acknowledged: {len(stored - acked):,}"
        )
        if saves.detail or warm.detail:
            log(f"first unacknowledged POST: {saves.detail or warm.detail}")
    except BenchError as exc:
        print(f"bench: harness error: {exc}", file=sys.stderr)
        return 1
    except Exception:  # e.g. an app error in process (a view, the ORM, the export): say where
        print(
            "bench: harness error: unexpected exception:\n" + traceback.format_exc(),
            file=sys.stderr,
        )
        return 1
    finally:
        if server is not None:
            stop_gunicorn(server)
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    floor = rates["/healthz"]
    q_share = rates["question page"] / floor
    r_share = rates["stored report"] / floor
    flat = [n for pair in query_counts for n in pair]
    constant = (
        len({first for first, _ in query_counts}) == 1
        and len({cached for _, cached in query_counts}) == 1
    )
    q_ok = constant and max(flat) <= MAX_REPORT_QUERIES
    h_share = rates["client home"] / floor
    c_share = rates["check-in page"] / floor
    i_share = rates["insights page"] / floor
    save_rate = len(saves.acked) / saves.seconds
    lost = len(acked - stored)
    failed = dict(warm.failures + saves.failures)
    # Every acknowledged save stored, nothing stored that was not acknowledged, and no save
    # refused or broken off (a 4xx/5xx or a dropped connection is a check-in the person lost).
    saves_ok = save_rate >= SAVES_PER_S and stored == acked and not failed
    checkin_q = [second for _, second in diary_queries[CHECKIN_PATH]]
    insights_q = [second for _, second in diary_queries[INSIGHTS_PATH]]
    insights_first = [first for first, _ in diary_queries[INSIGHTS_PATH]]
    p_share = rates["player page"] / floor
    g_share = rates["program page"] / floor
    player_q = [second for _, second in practice_queries[PLAYER_PATH]]
    program_q = [second for _, second in practice_queries[PROGRAM_PATH]]
    rows = [
        ("/healthz req/s (floor)", f"{floor:,.0f}", "-", "-"),
        ("question page req/s", f"{rates['question page']:,.0f}", "-", "-"),
        (
            "question page % of floor",
            pct(q_share),
            f">= {QUESTION_SHARE:.0%}",
            verdict(q_share >= QUESTION_SHARE),
        ),
        ("stored report req/s", f"{rates['stored report']:,.0f}", "-", "-"),
        (
            "stored report % of floor",
            pct(r_share),
            f">= {REPORT_SHARE:.0%}",
            verdict(r_share >= REPORT_SHARE),
        ),
        ("client home req/s", f"{rates['client home']:,.0f}", "-", "-"),
        (
            "client home % of floor",
            pct(h_share),
            f">= {HOME_SHARE:.0%}",
            verdict(h_share >= HOME_SHARE),
        ),
        ("check-in page req/s", f"{rates['check-in page']:,.0f}", "-", "-"),
        (
            "check-in page % of floor",
            pct(c_share),
            f">= {CHECKIN_SHARE:.0%}",
            verdict(c_share >= CHECKIN_SHARE),
        ),
        ("insights page req/s", f"{rates['insights page']:,.0f}", "-", "-"),
        (
            "insights page % of floor",
            pct(i_share),
            f">= {INSIGHTS_SHARE:.0%}",
            verdict(i_share >= INSIGHTS_SHARE),
        ),
        ("player page req/s", f"{rates['player page']:,.0f}", "-", "-"),
        (
            "player page % of floor",
            pct(p_share),
            f">= {PLAYER_SHARE:.0%}",
            verdict(p_share >= PLAYER_SHARE),
        ),
        ("program page req/s", f"{rates['program page']:,.0f}", "-", "-"),
        (
            "program page % of floor",
            pct(g_share),
            f">= {PROGRAM_SHARE:.0%}",
            verdict(g_share >= PROGRAM_SHARE),
        ),
        (
            "player page's JS + CSS, gzip (all it loads)",
            f"{page_gz / 1000:.1f} KB (its own "
            + " + ".join(own_files)
            + f": {own_gz / 1000:.1f} KB)",
            f"< {PLAYER_ASSET_BYTES / 1000:g} KB",
            verdict(page_gz < PLAYER_ASSET_BYTES),
        ),
        (
            "check-in saves (POST) per second",
            f"{save_rate:,.0f}/s; {len(acked):,} acknowledged, {len(stored):,} stored"
            + (f", {lost:,} LOST" if lost else "")
            + (f"; not acknowledged: {failed}" if failed else ""),
            f">= {SAVES_PER_S}/s, no write lost",
            verdict(saves_ok),
        ),
        (
            "scorings/s (pure core)",
            f"{scorings:,.0f}",
            f">= {SCORINGS_PER_S:,}",
            verdict(scorings >= SCORINGS_PER_S),
        ),
        (
            "insights (pure core), 5 years",
            f"{insights_ms:.1f} ms",
            f"<= {INSIGHTS_MS:g} ms",
            verdict(insights_ms <= INSIGHTS_MS),
        ),
        (
            "queries per report view (first/cached)",
            ", ".join(f"report {i + 1}: {a}/{b}" for i, (a, b) in enumerate(query_counts)),
            f"constant, <= {MAX_REPORT_QUERIES}",
            verdict(q_ok),
        ),
        (
            "export of a client with a year of data",
            f"{export_s:.3f} s ({export_bytes / 1e6:.1f} MB)",
            f"< {EXPORT_SECONDS:g} s",
            verdict(export_s < EXPORT_SECONDS),
        ),
        (
            "export queries (10 / 365 responses)",
            f"{export_q_small} / {export_q_year}",
            "constant",
            verdict(export_q_small == export_q_year),
        ),
        (
            "queries per client home (1 / 50 results)",
            f"{home_queries[0]} / {home_queries[1]}",
            "constant",
            verdict(home_queries[0] == home_queries[1]),
        ),
        (
            "queries per check-in page / insights page (10 / 2,000 days)",
            f"check-in {checkin_q[0]} / {checkin_q[1]}; insights {insights_q[0]} / "
            f"{insights_q[1]} (uncached first view {insights_first[0]} / {insights_first[1]})",
            "constant",
            verdict(len(set(checkin_q)) == 1 and len(set(insights_q)) == 1),
        ),
        (
            "queries per player page / program page (10 / 1,000 sessions)",
            f"player {player_q[0]} / {player_q[1]}; program {program_q[0]} / {program_q[1]}",
            "constant",
            verdict(len(set(player_q)) == 1 and len(set(program_q)) == 1),
        ),
    ]
    print(
        f"Lijfwijs bench: 1 gunicorn sync worker on {HOST}, load by "
        + (f"wrk -t{args.threads} -c{args.connections}" if use_wrk else "python threads")
        + f", {args.duration}s per URL in {args.rounds} interleaved rounds (best counts)"
        + f"; Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(f"question page: {QUESTION_PATH} (draft session); stored report: {report_urls[0]}")
    print(
        f"client home: / (signed in through {LOGIN_PATH}, a client with {HOME_RESULTS} results); "
        f"check-in page: {CHECKIN_PATH}, insights page: {INSIGHTS_PATH} (the same client, "
        f"{DIARY_DAYS} days of check-ins)"
    )
    print(
        f"player page: {PLAYER_PATH}, program page: {PROGRAM_PATH} (the same client, 60 logged "
        "practice sessions, in the program)"
    )
    print(
        f"check-in saves: POST {CHECKIN_PATH} from {args.post_threads} Python threads for "
        f"{args.post_seconds:g}s (after 20 warm-up POSTs), a unique client_key each; stored ="
        f" rows with those keys in SQLite after gunicorn stopped; {sent:,} sent"
    )
    print(f"insights core: {insights_what}")
    print()
    print_table(rows)
    print()
    print(f"(run took {time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
