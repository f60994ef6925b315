"""Lijfwijs benchmark: server time of every page in process against a reference page, the pure
cores, consistency (check-in saves, the export, queries per page) and a Locust load run on SQLite
and on PostgreSQL + Redis, in one run. See bench/README.md.

Plain Python, no pytest. Builds a throwaway var dir, migrates and fills it, measures in process,
starts gunicorn on 127.0.0.1 only for the saves and the load runs, prints one table and cleans
up. Exit status 0 when every measurement was taken (a missed target is a row marked FAIL), 1 on a
harness error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
from booking_bench import (  # noqa: E402
    BOOKINGS,
    PRACTITIONERS,
    RACE_ATTEMPTS,
    RACE_SLOTS,
    SLOTS_MARKER,
    booking_practice,
    race,
    race_practice,
    slots_path,
)
from common import (  # noqa: E402
    HOST,
    ROOT,
    BenchError,
    bench_env,
    cookie_value,
    free_port,
    log,
    manage,
    median,
    percentile,
    request,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_ready,
)
from data import (  # noqa: E402
    add_account_data,
    add_practice,
    add_results,
    diary_client,
    make_user,
    others,
    stored_keys,
)
from inproc import Browser, sign_in  # noqa: E402
from inproc import handler as wsgi_handler  # noqa: E402
from practice_bench import (  # noqa: E402
    CLIENT_LIST_MARKER,
    CLIENT_LIST_PATH,
    CLIENT_PAGE_MARKER,
    CLIENT_TABS,
    client_page_path,
    list_queries,
    practice_with_clients,
    sign_in_two_factor,
)

PIJNTEST_TOML = "lijfwijs/assessments/instruments/pijntest.toml"
QUESTION_PATH = "/pijntest/vragen/toestand/"
LOGIN_PATH = "/account/inloggen/"
REFERENCE_PATH = "/bench/reference/"
REFERENCE_MARKER = b'id="reference-rows"'
HOME_MARKER = b"home-pijntest"  # the Pijntest panel of a signed-in client's dashboard
HOME_RESULTS = 5  # completed Pijntests of the measured client
CHECKIN_PATH = "/dagboek/nieuw/"
CHECKIN_MARKER = b'name="pain"'  # the pain scale of the check-in form
CHECKIN_SAVED = "/dagboek/"  # where a saved check-in redirects to
DIARY_PATH = "/dagboek/"
INSIGHTS_PATH = "/dagboek/inzichten/"
INSIGHTS_MARKER = b'id="trend-heading"'  # the pain-trend section of the insights page
CATALOG_PATH = "/oefeningen/"
LOG_PATH = "/oefeningen/logboek/"
PLAYER_PATH = "/oefeningen/4-7-8-ademhaling/oefenen/"
PLAYER_MARKER = b'id="player-data"'  # the player's data (json_script) on a player page
PROGRAM_PATH = "/programma/"
PROGRAM_MARKER = b'id="program-steps"'  # the list of the five steps on the overview
MAIN = b"<main"

# The measured client and the rest of the database (data at scale).
SCALE_DAYS = 5 * 365 + 1  # 5 years of check-ins, 3 a day
SCALE_SESSIONS = 1000  # logged practice sessions
OTHER_CLIENTS = 10_000
OTHER_CHECKINS = 10  # check-ins of each other client
# Clients whose queries are counted (constant in the amount of data).
DIARY_QUERY_DAYS = (10, 2000)
PRACTICE_QUERY_SESSIONS = (10, 1000)
# The practitioner's client list: clients with a year of check-ins each (and a small practice
# beside it whose list's queries are counted against the large one's).
LIST_CLIENTS = 500
LIST_DAYS = 365
LIST_SMALL_CLIENTS = 5
PRACTITIONER_PASSWORD = "bench-practitioner-password-2026"  # noqa: S105 (a throwaway database)

# Targets from the issue.
ANONYMOUS_X = 3.0  # an anonymous page <= 3x the reference page (median)
SIGNED_IN_X = 6.0  # a signed-in page <= 6x
INSIGHTS_X = 8.0  # the insights page at 5 years, warm <= 8x
INSIGHTS_COLD_MS = 150.0  # and right after a check-in (p95)
SIGN_IN_MS = 60.0  # the login POST (p95)
SCORINGS_PER_S = 20_000  # pure core, one core
INSIGHTS_CORE_MS = 50.0  # the insights core for 5 years of data (bench/insights_bench.py)
MAX_REPORT_QUERIES = 5  # per report view, and the same for every report
EXPORT_SECONDS = 1.0  # export of a client with a year of data
SAVES_PER_S = 200  # check-in POSTs per second on SQLite, one sync worker, no write lost
PLAYER_ASSET_BYTES = 40_000  # what a page loads, CSS and JS together, gzip (no web font)


# ---------------------------------------------------------------------------------------------
# Pure cores: scorings per second, the insights core


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


def pijntest_answers() -> dict[str, Any]:
    """The clean complete answer set the bench stores and posts (validated by the engine)."""
    from lijfwijs.assessments import engine

    instrument = engine.load_file(ROOT / PIJNTEST_TOML)
    clean, problems = engine.validate(instrument, full_answers(instrument))
    if problems:
        raise BenchError(f"the benchmark's Pijntest answer set does not validate: {problems}")
    return clean


def bench_scoring(seconds: float, repeats: int = 3) -> tuple[float, dict[str, Any]]:
    """Scorings per second of the pure core (best of `repeats` runs), and the answers scored."""
    from lijfwijs.assessments import engine

    instrument = engine.load_file(ROOT / PIJNTEST_TOML)
    clean = pijntest_answers()
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


def bench_insights_sim() -> list[tuple[str, str, str, str]]:
    """The insights' tag tests on simulated drifting diaries: bench/insights_sim.py's rows
    (false alarms and power, now and with the method before)."""
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    from insights_sim import table_rows

    return table_rows()


# ---------------------------------------------------------------------------------------------
# In process: stored reports, the export, the home page's queries


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
        client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
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
# In process: the queries of the diary and practice pages for small and large histories


def count_queries(client: Any, path: str, marker: bytes, what: str) -> tuple[int, int]:
    """(first, second) query counts of two views of `path` with a Django test client."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pair = []
    for view in ("first", "second"):
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(path)
        if resp.status_code != 200 or marker not in resp.content:
            raise BenchError(
                f"GET {path} ({what}, in process, {view}) gave {resp.status_code} or has no "
                f"{marker!r}"
            )
        pair.append(len(ctx.captured_queries))
    return pair[0], pair[1]


def count_diary_queries() -> dict[str, list[tuple[int, int]]]:
    """Queries of the check-in form, the diary and the insights page (test client, force_login)
    for a client with 10 days of check-ins and one with 2,000: {path: [(first, second)]}."""
    from django.db import connection
    from django.test import Client

    pages = ((CHECKIN_PATH, CHECKIN_MARKER), (DIARY_PATH, MAIN), (INSIGHTS_PATH, INSIGHTS_MARKER))
    counts: dict[str, list[tuple[int, int]]] = {path: [] for path, _ in pages}
    for days in DIARY_QUERY_DAYS:
        user = diary_client(f"bench-diary-{days}@bench.invalid", days)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
        for path, marker in pages:
            counts[path].append(count_queries(client, path, marker, f"{days} days"))
    connection.close()
    return counts


def count_practice_queries() -> dict[str, list[tuple[int, int]]]:
    """Queries of a player page, the program page and the practice log (test client,
    force_login) for a client with 10 logged practice sessions and one with 1,000."""
    from django.db import connection
    from django.test import Client

    pages = ((PLAYER_PATH, PLAYER_MARKER), (PROGRAM_PATH, PROGRAM_MARKER), (LOG_PATH, MAIN))
    counts: dict[str, list[tuple[int, int]]] = {path: [] for path, _ in pages}
    for sessions in PRACTICE_QUERY_SESSIONS:
        user = diary_client(f"bench-practice-{sessions}@bench.invalid", 10)
        add_practice(user, sessions, seed=sessions)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
        for path, marker in pages:
            counts[path].append(count_queries(client, path, marker, f"{sessions} sessions"))
    connection.close()
    return counts


# ---------------------------------------------------------------------------------------------
# In process: server time per page, against the reference page


@dataclass
class Page:
    name: str
    browser: Browser
    path: str
    marker: bytes
    limit: float  # the target, as a multiple of the reference page (0: the reference itself)
    label: str = ""  # the path as the table shows it, when not the path itself
    times: list[float] = field(default_factory=list)
    queries: int = 0


def scale_client(answers: dict[str, Any], email: str, password: str) -> Any:
    """The measured client: 5 years of check-ins (3 a day), 1,000 practice sessions, a place in
    the program and a few Pijntest results."""
    user = diary_client(email, SCALE_DAYS, password=password, per_day=3)
    add_results(user, answers, HOME_RESULTS)
    add_practice(user, SCALE_SESSIONS, seed=7)
    return user


def visitor_draft(handler: Any) -> Browser:
    """A visitor with a Pijntest under way, started the way a browser does it."""
    browser = Browser(handler)
    answer = browser.post_form("/pijntest/begin/", {}, token_from="/pijntest/")  # noqa: S106
    if answer.status != 302 or not answer.location.startswith("/pijntest/vragen/"):
        raise BenchError(f"POST /pijntest/begin/ gave {answer.status} to {answer.location!r}")
    return browser


def check(page: Page) -> None:
    """The page answers 200 and is the page meant; count its queries (after the warm-up, so
    the count is that of the timed requests)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        answer = page.browser.get(page.path)
    if answer.status != 200:
        raise BenchError(f"GET {page.path} ({page.name}, in process) gave {answer.status}")
    if page.marker not in answer.body:
        raise BenchError(f"GET {page.path} ({page.name}) does not hold {page.marker!r}")
    page.queries = len(ctx.captured_queries)


class DurableCommits:
    """The disk's part of a page that writes: one row committed with the site's own SQLite
    PRAGMAs (WAL, synchronous=FULL: an fsync of the WAL per commit) into a scratch file beside
    the bench's database, timed between the pages' rounds. A page that logs a look (the client
    list, a client's page) pays one such commit; the reference page writes nothing, so when this
    figure moves between runs while the reference page does not, so do those pages' multiples."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        from django.conf import settings

        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.executescript(settings.DATABASES["default"]["OPTIONS"]["init_command"])
        self.connection.execute("CREATE TABLE IF NOT EXISTS t (at REAL NOT NULL)")
        self.times: list[float] = []

    def measure(self, n: int) -> None:
        for _ in range(n):
            started = time.perf_counter()
            self.connection.execute("BEGIN IMMEDIATE")
            self.connection.execute("INSERT INTO t (at) VALUES (?)", (time.time(),))
            self.connection.execute("COMMIT")
            self.times.append(time.perf_counter() - started)


def time_pages(
    pages: list[Page],
    rounds: int,
    per_round: int,
    warm_up: int,
    between: Callable[[], None] | None = None,
) -> None:
    """`warm_up` untimed requests per page, then `rounds` interleaved rounds of `per_round`
    timed requests each: a slow moment of a shared machine hits one round of every page rather
    than all of one page. `between()` runs after each page's requests of a round."""
    for page in pages:
        for _ in range(warm_up):
            page.browser.get(page.path)
        check(page)
    for rnd in range(1, rounds + 1):
        for page in pages:
            for _ in range(per_round):
                answer = page.browser.get(page.path)
                if answer.status != 200:
                    raise BenchError(f"GET {page.path} ({page.name}) gave {answer.status}")
                page.times.append(answer.seconds)
            if between is not None:
                between()
        log(f"round {rnd} of {rounds}: {len(pages)} pages x {per_round} requests")


def insights_cold(browser: Browser, zone: str, n: int) -> tuple[list[float], list[float]]:
    """`n` times: a check-in through the form (a new data version), then the insights page,
    which is cold. Returns the check-in POST times and the cold insights times."""
    token = browser.token(CHECKIN_PATH)  # any masked copy of the cookie's secret is valid
    posts, cold = [], []
    for i in range(n):
        now = datetime.now(ZoneInfo(zone))
        answer = browser.call(
            "POST",
            CHECKIN_PATH,
            {
                "csrfmiddlewaretoken": token,
                "day": now.date().isoformat(),
                "time": now.strftime("%H:%M"),
                "pain": i % 11,
                "stress": (3 * i) % 11,
                "client_key": f"bench-cold-{i}",
            },
        )
        if answer.status != 302 or answer.location != CHECKIN_SAVED:
            raise BenchError(f"POST {CHECKIN_PATH} (in process) gave {answer.status}")
        posts.append(answer.seconds)
        answer = browser.get(INSIGHTS_PATH)
        if answer.status != 200 or INSIGHTS_MARKER not in answer.body:
            raise BenchError(f"GET {INSIGHTS_PATH} after a check-in gave {answer.status}")
        cold.append(answer.seconds)
    return posts, cold


def sign_ins(handler: Any, email: str, password: str, n: int) -> list[float]:
    """`n` sign-ins through the login form, each from a new browser; the POSTs' times."""
    times = []
    for _ in range(n):
        times.append(sign_in(Browser(handler), email, password, LOGIN_PATH).seconds)
    return times


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# ---------------------------------------------------------------------------------------------
# One gunicorn sync worker: the player's assets, check-in saves with no write lost


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
    return "OK" if ok else "FAIL"


def page_rows(pages: list[Page], reference: Page) -> list[tuple[str, str, str, str]]:
    ref = median(reference.times)
    rows = [
        (
            f"reference page {REFERENCE_PATH}",
            f"median {ms(ref)}, p95 {ms(percentile(reference.times, 0.95))}, "
            f"{reference.queries} queries, n={len(reference.times)}",
            "-",
            "-",
        )
    ]
    for page in pages:
        multiple = median(page.times) / ref
        rows.append(
            (
                f"{page.name} {page.label or page.path}",
                f"median {ms(median(page.times))}, p95 {ms(percentile(page.times, 0.95))}, "
                f"{multiple:.1f}x, {page.queries} queries",
                f"<= {page.limit:g}x",
                verdict(multiple <= page.limit),
            )
        )
    return rows


def constant_row(name: str, counts: dict[str, list[tuple[int, int]]]) -> tuple[str, ...]:
    """Second-view queries per page for the small and the large client (first views beside)."""
    parts, ok = [], True
    for path, pairs in counts.items():
        second = [b for _, b in pairs]
        first = [a for a, _ in pairs]
        ok = ok and len(set(second)) == 1
        parts.append(f"{path} {second[0]} / {second[1]} (first {first[0]} / {first[1]})")
    return (name, "; ".join(parts), "constant", verdict(ok))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds per page (4)")
    parser.add_argument(
        "--requests", type=int, default=60, help="timed requests per page and round (60)"
    )
    parser.add_argument("--warm-up", type=int, default=20, help="untimed requests per page (20)")
    parser.add_argument("--cold", type=int, default=30, help="cold insights views (30)")
    parser.add_argument("--sign-ins", type=int, default=30, help="login POSTs timed (30)")
    parser.add_argument(
        "--others", type=int, default=OTHER_CLIENTS, help="other clients in the database"
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
    parser.add_argument(
        "--list-clients",
        type=int,
        default=LIST_CLIENTS,
        help="the practitioner's clients on the client list (500)",
    )
    parser.add_argument("--no-load", action="store_true", help="skip the Locust load runs")
    parser.add_argument("--load-users", type=int, default=100, help="Locust users (100)")
    parser.add_argument("--load-seconds", type=int, default=60, help="seconds per load run (60)")
    parser.add_argument("--load-workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--keep", action="store_true", help="keep the var dirs and logs")
    parser.add_argument(
        "--no-parts",
        action="store_true",
        help="skip the parts with their own database: campaigns (50,000 recipients) and exports",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    var_dir = Path(tempfile.mkdtemp(prefix="lijfwijs-bench-"))
    os.environ.update(bench_env(var_dir))
    # The site's settings with a URLconf that adds the reference page.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    log_path = var_dir / "gunicorn.log"
    server = None
    load_results: list[Any] = []
    try:
        manage("migrate", "--noinput")
        manage("load_content")
        manage("collectstatic", "--noinput")

        log(f"scoring in the pure core: 3 x {args.score_seconds:g}s")
        scorings, clean = bench_scoring(args.score_seconds)
        log("diary insights in the pure core, 5 years: best of 5")
        insights_ms, insights_what = bench_insights()
        log("diary insights on simulated drifting diaries: 2 x 2 x 1,000")
        insights_sim_rows = bench_insights_sim()

        import django

        django.setup()
        from django.db import connection
        from django.urls import reverse

        from lijfwijs.accounts.localtime import zone_of
        from lijfwijs.learn.models import Article

        report_urls = make_reports(clean, count=2)
        query_counts = count_report_queries(report_urls)
        log("export of a client with a year of data: best of 3")
        export_s, export_bytes, export_q_small, export_q_year = bench_export(clean)
        home_queries = count_home_queries(clean)
        log("diary, player, program and log queries for small and large histories")
        diary_queries = count_diary_queries()
        practice_queries = count_practice_queries()

        log(f"data at scale: {args.others:,} other clients, the measured client's 5 years")
        t0 = time.monotonic()
        other_checkins = others(args.others, OTHER_CHECKINS)
        email, password = "bench-client@bench.invalid", "bench-client-password-2026"
        client_user = scale_client(clean, email, password)
        zone = str(zone_of(client_user))
        scale_checkins = client_user.checkins.count()
        log(f"data at scale stored in {time.monotonic() - t0:.0f}s")
        t0 = time.monotonic()
        _, list_device = practice_with_clients(
            "bench-practice@bench.invalid", PRACTITIONER_PASSWORD, args.list_clients, LIST_DAYS, 12
        )
        _, small_device = practice_with_clients(
            "bench-practice-small@bench.invalid", PRACTITIONER_PASSWORD, LIST_SMALL_CLIENTS, 30, 5
        )
        log(
            f"client list: {args.list_clients:,} clients with {LIST_DAYS} days of check-ins "
            f"stored in {time.monotonic() - t0:.0f}s"
        )
        log(f"booking: {PRACTITIONERS} practitioners with {BOOKINGS:,} bookings, a race's practice")
        booking_type, month_first, month_last, booking_count = booking_practice()
        race_type, race_starts = race_practice()
        article = Article.objects.published().order_by("pk").first()
        if article is None:
            raise BenchError("no published article (manage.py load_content)")
        article_path = reverse("learn:detail", kwargs={"slug": article.slug})

        handler = wsgi_handler()
        anonymous = Browser(handler)
        draft = visitor_draft(handler)
        signed_in = Browser(handler)
        sign_in(signed_in, email, password, LOGIN_PATH)
        practitioner = Browser(handler)
        sign_in_two_factor(
            practitioner,
            "bench-practice@bench.invalid",
            PRACTITIONER_PASSWORD,
            list_device,
            LOGIN_PATH,
        )
        small_practitioner = Browser(handler)
        sign_in_two_factor(
            small_practitioner,
            "bench-practice-small@bench.invalid",
            PRACTITIONER_PASSWORD,
            small_device,
            LOGIN_PATH,
        )
        list_query_counts = list_queries([small_practitioner, practitioner])
        reference = Page("reference", Browser(handler), REFERENCE_PATH, REFERENCE_MARKER, 0)
        pages = [
            Page("home (visitor)", anonymous, "/", MAIN, ANONYMOUS_X),
            Page("question page (visitor)", draft, QUESTION_PATH, b"<form", ANONYMOUS_X),
            Page(
                "stored report (visitor)",
                anonymous,
                report_urls[0],
                MAIN,
                ANONYMOUS_X,
                label="/pijntest/uitslag/<id>/",
            ),
            Page("catalog (visitor)", anonymous, CATALOG_PATH, MAIN, ANONYMOUS_X),
            Page("article (visitor)", anonymous, article_path, MAIN, ANONYMOUS_X),
            Page("knowledge base (visitor)", anonymous, "/kennisbank/", MAIN, ANONYMOUS_X),
            Page(
                "knowledge base search (visitor)",
                anonymous,
                "/kennisbank/?q=ademhaling",
                MAIN,
                ANONYMOUS_X,
            ),
            Page("player (visitor)", anonymous, PLAYER_PATH, PLAYER_MARKER, ANONYMOUS_X),
            Page(
                "free slots, a month (API, visitor)",
                Browser(handler),
                slots_path(booking_type, month_first, month_last),
                SLOTS_MARKER,
                ANONYMOUS_X,
                label="/api/v1/booking/appointment-types/<id>/slots?from=…&to=… (30 days)",
            ),
            Page("start page (client)", signed_in, "/", HOME_MARKER, SIGNED_IN_X),
            Page("check-in form (client)", signed_in, CHECKIN_PATH, CHECKIN_MARKER, SIGNED_IN_X),
            Page("diary (client)", signed_in, DIARY_PATH, MAIN, SIGNED_IN_X),
            Page("program (client)", signed_in, PROGRAM_PATH, PROGRAM_MARKER, SIGNED_IN_X),
            Page("player (client)", signed_in, PLAYER_PATH, PLAYER_MARKER, SIGNED_IN_X),
            Page("practice log (client)", signed_in, LOG_PATH, MAIN, SIGNED_IN_X),
            Page("insights, warm (client)", signed_in, INSIGHTS_PATH, INSIGHTS_MARKER, INSIGHTS_X),
            Page(
                "client list (practitioner)",
                practitioner,
                CLIENT_LIST_PATH,
                CLIENT_LIST_MARKER,
                SIGNED_IN_X,
            ),
            Page(
                "client page (practitioner)",
                practitioner,
                client_page_path("bench-practice@bench.invalid"),
                CLIENT_PAGE_MARKER,
                SIGNED_IN_X,
                label="/praktijk/clienten/<id>/",
            ),
            *(
                Page(
                    f"client page, {tab} (practitioner)",
                    practitioner,
                    client_page_path("bench-practice@bench.invalid") + suffix,
                    marker,
                    SIGNED_IN_X,
                    label=f"/praktijk/clienten/<id>/{suffix}",
                )
                for tab, suffix, marker in CLIENT_TABS
            ),
        ]
        log(
            f"server time in process: {len(pages) + 1} pages, {args.warm_up} warm-up and "
            f"{args.rounds} x {args.requests} timed requests each"
        )
        commits = DurableCommits(var_dir / "commits.sqlite3")
        time_pages(
            [reference, *pages],
            args.rounds,
            args.requests,
            args.warm_up,
            lambda: commits.measure(10),
        )
        log(f"insights right after a check-in: {args.cold} times")
        post_times, cold_times = insights_cold(signed_in, zone, args.cold)
        log(f"sign-in: {args.sign_ins} login POSTs")
        sign_in_times = sign_ins(handler, email, password, args.sign_ins)
        keys_before = stored_keys(email)
        connection.close()

        port = free_port()
        server = start_gunicorn(port, log_path, os.environ.copy(), workers=1)
        wait_ready(port, server, log_path)
        client_cookie = login_cookie(port, email, password)
        own_gz, page_gz, own_files = player_assets(port, {"Cookie": client_cookie})
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
        log(f"booking race: {RACE_ATTEMPTS} attempts on {RACE_SLOTS} times, gunicorn -w 4")
        race_port = free_port()
        server = start_gunicorn(
            race_port,
            var_dir / "gunicorn-race.log",
            {
                **os.environ,
                # each visitor their own address (X-Forwarded-For), as behind a proxy
                "TRUSTED_PROXY_COUNT": "1",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            },
            workers=4,
        )
        wait_ready(race_port, server, var_dir / "gunicorn-race.log")
        raced = race(race_port, race_type, race_starts)
        if server.poll() is not None:
            raise BenchError(
                f"gunicorn died during the race:\n{tail(var_dir / 'gunicorn-race.log')}"
            )
        stop_gunicorn(server)
        connection.close()
        acked = warm.acked | saves.acked
        stored = stored_keys(email) - keys_before
        sent = warm.sent + saves.sent
        if saves.detail or warm.detail:
            log(f"first unacknowledged POST: {saves.detail or warm.detail}")
        in_process_s = time.monotonic() - started

        if not args.no_load:
            load_results = load.all_runs(
                args.load_users, args.load_seconds, args.load_workers, args.keep, var_dir / "static"
            )
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

    flat = [n for pair in query_counts for n in pair]
    reports_constant = (
        len({first for first, _ in query_counts}) == 1
        and len({cached for _, cached in query_counts}) == 1
    )
    save_rate = len(saves.acked) / saves.seconds
    lost = len(acked - stored)
    failed = dict(warm.failures + saves.failures)
    saves_ok = save_rate >= SAVES_PER_S and stored == acked and not failed
    cold_p95 = percentile(cold_times, 0.95)
    sign_in_p95 = percentile(sign_in_times, 0.95)
    rows = page_rows(pages, reference)
    rows += [
        (
            "a durable commit of one row (SQLite, the site's PRAGMAs)",
            f"median {ms(median(commits.times))}, p95 {ms(percentile(commits.times, 0.95))}, "
            f"n={len(commits.times)} (between the pages' requests; a look at a client pays one)",
            "-",
            "-",
        ),
        (
            f"insights, cold (client) {INSIGHTS_PATH}",
            f"median {ms(median(cold_times))}, p95 {ms(cold_p95)}, n={len(cold_times)} (each "
            f"right after a check-in; the check-in POST: median {ms(median(post_times))})",
            f"p95 <= {INSIGHTS_COLD_MS:g} ms",
            verdict(cold_p95 <= INSIGHTS_COLD_MS / 1000),
        ),
        (
            f"sign-in, POST {LOGIN_PATH}",
            f"median {ms(median(sign_in_times))}, p95 {ms(sign_in_p95)}, n={len(sign_in_times)}",
            f"p95 <= {SIGN_IN_MS:g} ms",
            verdict(sign_in_p95 <= SIGN_IN_MS / 1000),
        ),
        *load.rows(load_results, args.load_users, args.load_seconds),
        (
            "check-in saves (POST) per second",
            f"{save_rate:,.0f}/s; {len(acked):,} acknowledged, {len(stored):,} stored"
            + (f", {lost:,} LOST" if lost else "")
            + (f"; not acknowledged: {failed}" if failed else ""),
            f">= {SAVES_PER_S}/s, no write lost",
            verdict(saves_ok),
        ),
        (
            f"booking race: {RACE_ATTEMPTS} parallel attempts on {RACE_SLOTS} times",
            f"{raced.stored} bookings stored; answers {dict(sorted(raced.statuses.items()))} "
            f"in {raced.seconds:.1f} s; {raced.errors} errors"
            + (f" (first: {raced.detail})" if raced.detail else ""),
            f"{RACE_SLOTS} bookings, 0 errors",
            verdict(
                raced.stored == RACE_SLOTS
                and raced.errors == 0
                and raced.statuses == {"201": RACE_SLOTS, "409": RACE_ATTEMPTS - RACE_SLOTS}
            ),
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
            "scorings/s (pure core)",
            f"{scorings:,.0f}",
            f">= {SCORINGS_PER_S:,}",
            verdict(scorings >= SCORINGS_PER_S),
        ),
        (
            "insights (pure core), 5 years",
            f"{insights_ms:.1f} ms",
            f"<= {INSIGHTS_CORE_MS:g} ms",
            verdict(insights_ms <= INSIGHTS_CORE_MS),
        ),
        *insights_sim_rows,
        (
            "queries per report view (first/second)",
            ", ".join(f"report {i + 1}: {a}/{b}" for i, (a, b) in enumerate(query_counts)),
            f"constant, <= {MAX_REPORT_QUERIES}",
            verdict(reports_constant and max(flat) <= MAX_REPORT_QUERIES),
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
            f"queries per client list ({LIST_SMALL_CLIENTS} / {args.list_clients:,} clients)",
            f"{list_query_counts[0][1]} / {list_query_counts[1][1]} (first "
            f"{list_query_counts[0][0]} / {list_query_counts[1][0]})",
            "constant",
            verdict(list_query_counts[0][1] == list_query_counts[1][1]),
        ),
        constant_row("queries per diary page (10 / 2,000 days)", diary_queries),
        constant_row("queries per practice page (10 / 1,000 sessions)", practice_queries),
    ]
    print(
        f"Lijfwijs bench: server time in process (Django's WSGI handler, all middleware, "
        f"DEBUG=0, SQLite, local-memory cache), {args.rounds} x {args.requests} requests per "
        f"page after {args.warm_up} warm-up; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"data: the measured client has {scale_checkins:,} check-ins over 5 years, "
        f"{SCALE_SESSIONS:,} practice sessions, {HOME_RESULTS} Pijntest results; the database "
        f"holds {args.others:,} other clients with {other_checkins:,} check-ins; the "
        f"practitioner of the client list has {args.list_clients:,} clients with {LIST_DAYS} "
        f"days of check-ins each; the booking practice has {PRACTITIONERS} practitioners "
        f"with {booking_count:,} bookings over 60 days"
    )
    print(
        f"check-in saves: POST {CHECKIN_PATH} to 1 gunicorn sync worker from "
        f"{args.post_threads} Python threads for {args.post_seconds:g}s (after 20 warm-up), "
        f"{sent:,} sent; insights core: {insights_what}"
    )
    if not args.no_load:
        print(load.describe(args.load_users, args.load_seconds, args.load_workers))
    print()
    print_table(rows)
    print()
    print(
        f"(in-process part and saves took {in_process_s:.0f}s; all took "
        f"{time.monotonic() - started:.0f}s)"
    )
    if not args.no_parts:
        run_parts()
    return 0


# The parts that make their own database and workers, run as they run alone; their rows follow.
PARTS = (
    ("campaigns: 50,000 recipients, 2 task workers (bench/campaign_bench.py)", "campaign_bench.py"),
    ("exports: a client with 5 years of data (bench/exports_bench.py)", "exports_bench.py"),
)


def run_parts() -> None:
    here = Path(__file__).resolve().parent
    for title, script in PARTS:
        print()
        print(title)
        sys.stdout.flush()
        subprocess.run([sys.executable, str(here / script)], check=False)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
