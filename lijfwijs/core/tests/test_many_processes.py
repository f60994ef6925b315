"""Correct with many processes: rate limits counted where every process sees them (here, in one
process), and gunicorn with 3 workers proving sessions, erasure, revoked access and limits."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.test import override_settings

from lijfwijs.core import ratelimit
from lijfwijs.core.models import RateCounter

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


# --- the counters themselves ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_limit_of_n_allows_n_hits_per_window_and_key():
    assert [ratelimit.hit("test", "a", 3, 60) for _ in range(5)] == [True] * 3 + [False] * 2
    assert ratelimit.hit("test", "b", 3, 60)  # another key
    assert ratelimit.hit("other", "a", 3, 60)  # another limit


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database_not_in_a_per_process_cache():
    for _ in range(3):
        assert ratelimit.hit("test", "10.0.0.1", 3, 60)
    cache.clear()  # another process's cache is as empty as this
    assert not ratelimit.hit("test", "10.0.0.1", 3, 60)
    # and what is limited (an address, an email address) is not stored as such
    assert not RateCounter.objects.filter(subject__contains="10.0.0.1").exists()


@pytest.mark.django_db
def test_a_new_window_starts_again_and_old_windows_are_pruned(monkeypatch):
    start = 1_800_000_000.0
    monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
    with mock.patch("time.time", return_value=start):
        assert ratelimit.hit("test-prune", "a", 1, 60)
        assert not ratelimit.hit("test-prune", "a", 1, 60)
    assert RateCounter.objects.filter(scope="test-prune").count() == 1
    with mock.patch("time.time", return_value=start + 60 * 5):
        monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
        assert ratelimit.hit("test-prune", "a", 1, 60)
    counters = RateCounter.objects.filter(scope="test-prune")
    assert [c.hits for c in counters] == [1]  # the old window's row is gone


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_the_count_is_an_atomic_incr_in_redis():
    scope = f"test-{uuid.uuid4().hex[:12]}"  # runs in parallel never share a counter
    with override_settings(REDIS_URL="redis://127.0.0.1:6379/15"):
        assert [ratelimit.hit(scope, "a", 2, 60) for _ in range(3)] == [True, True, False]
        ratelimit._redis.cache_clear()  # a fresh connection, as another process has
        assert not ratelimit.hit(scope, "a", 2, 60)


# --- behind a reverse proxy ----------------------------------------------------------------------


def start_pijntest(forwarded: str):
    from django.test import Client

    return Client().post(
        "/pijntest/begin/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.django_db
def test_behind_one_proxy_each_visitor_has_their_own_pijntest_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PIJNTEST_RATE_LIMIT = 60
    statuses = {start_pijntest(f"198.51.100.{n}").status_code for n in range(61)}
    assert statuses == {302}  # 61 people, one proxy: nobody is turned away
    assert all(start_pijntest("203.0.113.5").status_code == 302 for _ in range(60))
    too_many = start_pijntest("203.0.113.5")  # one person, the 61st start
    assert too_many.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "198.51.100.1", "10.0.0.1"),  # nobody is trusted: the header is anyone's to write
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is left of it
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "not an address", "10.0.0.1"),
    ],
)
def test_the_client_address(rf, settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == address
    assert ratelimit.login_address(request) == address


def test_a_request_without_an_address_is_unknown_and_none_for_the_login_locks(rf):
    from django.http import HttpRequest

    request = HttpRequest()  # as Client.force_login makes one: no REMOTE_ADDR
    assert ratelimit.client_address(request) == "unknown"
    assert ratelimit.login_address(request) is None  # axes stores an IP address or nothing


# --- gunicorn with 3 workers -------------------------------------------------------------------------
#
# One server per run of the suite (per xdist worker that runs these), on the database the run uses:
# SQLite without Redis by default; PostgreSQL and Redis when DATABASE_URL is a PostgreSQL URL (CI's
# second run) and Redis answers. The server works on this run's test database: the tests are
# transactional, so what each one makes is committed where the workers read it, and flushed after.

HOST = "127.0.0.1"
WORKERS = 3
REQUESTS = 30  # per check, and per page where a check covers several
RATE_LIMIT = 10  # the Pijntest starts per address the server allows in its window
PASSWORD = "lange zin van vijf woorden"
ROOT = Path(__file__).resolve().parents[3]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@dataclass
class Answer:
    status: int
    body: bytes
    location: str = ""
    cookies: dict[str, str] = field(default_factory=dict)


def call(
    port: int, method: str, path: str, cookies: dict[str, str], form: dict | None = None
) -> Answer:
    """One request on a new connection (so that any worker may take it)."""
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection(HOST, port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        set_cookies = {}
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            set_cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(resp.status, data, resp.headers.get("Location", ""), set_cookies)
    finally:
        conn.close()


@dataclass
class Browser:
    """Cookies kept between requests, and the CSRF token of the last form seen."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def get(self, path: str) -> Answer:
        answer = call(self.port, "GET", path, self.cookies)
        self.cookies.update(answer.cookies)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body)
        if found:
            self.token = found.group(1).decode()
        return answer

    def post(self, path: str, form: dict[str, str]) -> Answer:
        if not self.token:
            self.get("/account/inloggen/")
        answer = call(
            self.port, "POST", path, self.cookies, {"csrfmiddlewaretoken": self.token, **form}
        )
        self.cookies.update(answer.cookies)
        return answer

    def sign_in(self, email: str, code: Callable[[], str] | None = None) -> None:
        self.get("/account/inloggen/")
        answer = self.post("/account/inloggen/", {"username": email, "password": PASSWORD})
        assert answer.status == 302, answer.body[:300]
        if code is not None:
            self.get("/account/tweestaps/")
            answer = self.post("/account/tweestaps/", {"code": code()})
            assert answer.status == 302, answer.body[:300]
        self.get("/account/")  # a page with a form: the token after the login's rotation


def many(n: int, request: Callable[[], Answer]) -> list[Answer]:
    """`n` requests, three at a time, so that the workers take them side by side."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda _: request(), range(n)))


@dataclass
class Site:
    port: int
    access_log: Path
    database: str

    def browser(self) -> Browser:
        return Browser(self.port)

    def workers_that_served(self, path: str) -> set[str]:
        """The worker pids in the access log that answered `path`."""
        pids = set()
        for line in self.access_log.read_text().splitlines():
            pid, _, served = line.partition(" ")
            if served.split(" ")[1:2] == [path]:
                pids.add(pid)
        return pids


def server_database_url() -> str:
    """This run's test database (pytest-django has set it up by now), as a URL for the server."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def start_gunicorn(tmp: Path, port: int, redis_url: str, prefix: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": server_database_url(),
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": prefix,  # runs side by side share no keys
        "LIJFWIJS_VAR_DIR": str(tmp),
        "PIJNTEST_RATE_LIMIT": str(RATE_LIMIT),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "lijfwijs.wsgi",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind={HOST}:{port}",
        f"--access-logfile={tmp / 'access.log'}",
        "--access-logformat=%(p)s %(m)s %(U)s %(s)s",
    ]
    with open(tmp / "error.log", "ab") as log:  # the workers' own errors too
        return subprocess.Popen(  # noqa: S603 - our own gunicorn, on loopback
            command, cwd=ROOT, env=env, stdout=log, stderr=log
        )


# How long a starting gunicorn may take to answer: a deadline, not a measure. Its workers import
# Django and the apps while the other xdist worker runs its own tests on the same two cores;
# 30 s proved too short on a loaded machine.
STARTUP_S = 90


def wait_until_up(port: int, server: subprocess.Popen, tmp: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {(tmp / 'error.log').read_text()[-2000:]}")
        try:
            status = call(port, "GET", "/healthz", {}).status
        except OSError:
            status = 0
        if status == 200:
            return
        if status >= 500:
            pytest.fail(f"gunicorn answers {status}: {(tmp / 'error.log').read_text()[-3000:]}")
        time.sleep(0.1)  # polling a starting server, not waiting on the site under test
    pytest.fail(f"gunicorn did not answer /healthz within {STARTUP_S} s")


def people(*names: str) -> dict[str, Any]:
    """Clients (and a practitioner with a second factor) committed in the test database."""
    from django.core.management import call_command

    from lijfwijs.accounts.tests.helpers import make_client_user, make_practitioner

    call_command("load_content", verbosity=0)  # the consent texts (idempotent)
    made: dict[str, Any] = {}
    for name in names:
        email = f"{name}-many@example.org"
        if name == "pieter":
            made[name] = make_practitioner(email, display_name="Pieter")
        else:
            made[name] = make_client_user(email, display_name=f"{name.title()} Vermeer")
    return made


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Site]:
    if ON_POSTGRES and not redis_answers():
        pytest.skip("PostgreSQL without Redis at 127.0.0.1:6379: that run needs both")
    redis_url = "redis://127.0.0.1:6379/14" if ON_POSTGRES else ""
    tmp = tmp_path_factory.mktemp("gunicorn")
    port, prefix = free_port(), f"many-{uuid.uuid4().hex[:8]}"
    server = start_gunicorn(tmp, port, redis_url, prefix)
    try:
        wait_until_up(port, server, tmp)
        label = "PostgreSQL + Redis" if ON_POSTGRES else "SQLite"
        yield Site(port, tmp / "access.log", label)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if redis_url:  # the sessions and counters it left in Redis
            from redis import Redis

            redis = Redis.from_url(redis_url)
            for name in redis.scan_iter(f"{prefix}:*"):
                redis.delete(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get_many(site: Site, path: str, cookies: dict[str, str]) -> list[Answer]:
    return many(REQUESTS, lambda: call(site.port, "GET", path, cookies))


@pytest.mark.django_db(transaction=True)
def test_a_logged_out_session_is_never_signed_in_again(site):
    people("lot")
    lot = site.browser()
    lot.sign_in("lot-many@example.org")
    session = dict(lot.cookies)
    before = get_many(site, "/account/", session)
    assert {a.status for a in before} == {200}  # signed in, in every worker
    assert lot.post("/account/uitloggen/", {}).status == 302
    after = get_many(site, "/account/", session)
    assert Counter(a.status for a in after) == {302: REQUESTS}, site.database
    assert len(site.workers_that_served("/account/")) >= 2, "one worker took them all"


@pytest.mark.django_db(transaction=True)
def test_after_consent_is_withdrawn_no_request_returns_the_erased_data(site):
    from lijfwijs.accounts.localtime import local_today
    from lijfwijs.accounts.tests.helpers import pijntest_result
    from lijfwijs.diary.models import CheckIn
    from lijfwijs.program import services as exercises

    wies = people("wies")["wies"]
    report = pijntest_result(wies, peg=7)
    today = local_today(wies)
    CheckIn.objects.bulk_create(
        [CheckIn(user=wies, day=today - timedelta(days=n), pain=2 + n % 6) for n in range(1, 38)]
        + [CheckIn(user=wies, day=today, pain=4)]
    )
    assert exercises.program_state(wies) is not None  # she is in the program
    browser = site.browser()
    browser.sign_in("wies-many@example.org")
    cookies = dict(browser.cookies)
    # What shows her data, per page (every answer shows it before)
    pages: dict[str, Callable[[Answer], bool]] = {
        "/dagboek/inzichten/": lambda a: b"Gebaseerd op 38 dagen" in a.body,
        f"/pijntest/uitslag/{report.pk}/": lambda a: a.status == 200,
        "/": lambda a: b"PEG-score van" in a.body or "vandaag één check-in".encode() in a.body,
        "/programma/": lambda a: b'id="current-heading"' in a.body,
        "/api/v1/insights": lambda a: a.status == 200 and json.loads(a.body)["checkins"] > 0,
    }
    for path, shows_her_data in pages.items():
        answers = get_many(site, path, cookies)
        assert all(shows_her_data(a) for a in answers), (path, answers[0].status)
    assert browser.post("/account/toestemming/", {"action": "withdraw"}).status == 302
    leaks = {}
    for path, shows_her_data in pages.items():
        answers = get_many(site, path, cookies)
        assert {a.status for a in answers} <= {200, 404}, (path, Counter(a.status for a in answers))
        leaks[path] = sum(shows_her_data(a) for a in answers)
    assert leaks == dict.fromkeys(pages, 0), f"{site.database}: answers with erased data {leaks}"


@pytest.mark.django_db(transaction=True)
def test_after_access_is_revoked_the_practitioner_never_sees_the_client(site):
    from lijfwijs.accounts.services import grant_access
    from lijfwijs.accounts.tests.helpers import code_for, confirmed_device

    made = people("roos", "pieter")
    roos, pieter = made["roos"], made["pieter"]
    access = grant_access(roos, pieter)
    device = confirmed_device(pieter)
    practitioner = site.browser()
    practitioner.sign_in("pieter-many@example.org", code=lambda: code_for(device))
    cookies = dict(practitioner.cookies)
    pages: dict[str, Callable[[Answer], bool]] = {
        f"/praktijk/clienten/{roos.pk}/": lambda a: a.status == 200,
        "/praktijk/": lambda a: b"Roos Vermeer" in a.body,
    }
    for path, shows_her in pages.items():
        answers = get_many(site, path, cookies)
        assert all(shows_her(a) for a in answers), (path, Counter(a.status for a in answers))
    client = site.browser()
    client.sign_in("roos-many@example.org")
    assert client.post(f"/account/toegang/{access.pk}/intrekken/", {}).status == 302
    seen = {
        path: sum(map(shows_her, get_many(site, path, cookies)))
        for path, shows_her in pages.items()
    }
    assert seen == dict.fromkeys(pages, 0), f"{site.database}: she was still shown {seen}"


@pytest.mark.django_db(transaction=True)
def test_a_rate_limit_of_n_allows_n_in_total_not_n_per_worker(site):
    visitor = site.browser()
    visitor.get("/pijntest/")
    cookies, form = (
        {"csrftoken": visitor.cookies["csrftoken"]},
        {"csrfmiddlewaretoken": visitor.token},
    )
    starts = many(REQUESTS, lambda: call(site.port, "POST", "/pijntest/begin/", cookies, form))
    assert Counter(a.status for a in starts) == {302: RATE_LIMIT, 429: REQUESTS - RATE_LIMIT}
    assert len(site.workers_that_served("/pijntest/begin/")) >= 2, "one worker took them all"


@pytest.mark.django_db(transaction=True)
def test_failed_sign_ins_are_counted_across_workers(site):
    people("mia")
    attacker = site.browser()
    attacker.get("/account/inloggen/")
    cookies = {"csrftoken": attacker.cookies["csrftoken"]}
    wrong = {"csrfmiddlewaretoken": attacker.token, "username": "mia-many@example.org"}
    wrong["password"] = "fout fout fout"
    # one after another (django-axes counts a burst of simultaneous first failures loosely),
    # each on a new connection, so that the workers take turns
    tries = [call(site.port, "POST", "/account/inloggen/", cookies, wrong) for _ in range(5)]
    assert [a.status for a in tries] == [422] * 4 + [429]  # the fifth locks
    right = {**wrong, "password": PASSWORD}
    locked = many(6, lambda: call(site.port, "POST", "/account/inloggen/", cookies, right))
    assert {a.status for a in locked} == {429}
