"""The bench's load run: Locust against gunicorn with 4 workers, on SQLite and on PostgreSQL + Redis.

`.venv/bin/python bench/load.py` runs it alone (bench/run.py runs it after its in-process part).
Each database gets a throwaway var dir, is migrated and filled by a subprocess (`--prepare`), then
gunicorn serves it and Locust sends mixed traffic (bench/locustfile.py); the check-ins Locust saw
acknowledged are then looked up in the database by another subprocess (`--count`). PostgreSQL and
Redis are used when they answer on 127.0.0.1 (database `lijfwijs_bench`, created afresh; Redis
database 13 under a key prefix of the run's own, whose keys are deleted after); otherwise that
row says it was skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BIN,
    ROOT,
    BenchError,
    bench_env,
    free_port,
    log,
    manage,
    percentile,
    reachable,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_ready,
)

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"  # to create the bench database only
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/lijfwijs_bench"
REDIS_BENCH = "redis://127.0.0.1:6379/13"
CLIENTS = 60  # accounts the Locust clients sign in with (one each, then again from the first)
CLIENT_DAYS = 365  # days of check-ins of each, 3 a day
PASSWORD = "bench-load-password-2026"  # noqa: S105 (throwaway bench accounts)
P95_MS = 300.0


@dataclass
class LoadResult:
    label: str
    skipped: str = ""
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    server_errors: int = 0
    other_failures: dict[str, int] = field(default_factory=dict)
    acked: int = 0
    stored: int = 0
    lost: int = 0
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.skipped
            and self.requests > 0
            and self.server_errors == 0
            and self.p95_ms <= P95_MS
            and self.lost == 0
        )


def _subprocess(args: list[str], env: dict[str, str], timeout: int = 900) -> str:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise BenchError(
            f"bench/load.py {' '.join(args)} failed:\n" + (proc.stdout + proc.stderr)[-3000:]
        )
    return proc.stdout


def _fresh_pg_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS lijfwijs_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE lijfwijs_bench")


def run_load(
    label: str,
    postgres: bool,
    users: int,
    seconds: int,
    workers: int,
    keep: bool,
    static_dir: Path,
) -> LoadResult:
    """One load run; a harness error raises BenchError, a missing PostgreSQL/Redis skips.
    `static_dir` holds collected static files (collectstatic takes a minute; they are copied)."""
    started = time.monotonic()
    if postgres and not (reachable(5432) and reachable(6379)):
        return LoadResult(label, skipped="PostgreSQL or Redis not reachable on 127.0.0.1")
    locust = BIN / "locust"
    if not locust.exists():
        raise BenchError(f"{locust} not found; install the dev dependencies (make bench does)")
    var_dir = Path(tempfile.mkdtemp(prefix="lijfwijs-load-"))
    env = {**os.environ, **bench_env(var_dir)}
    if postgres:
        _fresh_pg_database()
        env.update(
            DATABASE_URL=PG_BENCH,
            REDIS_URL=REDIS_BENCH,
            CACHE_KEY_PREFIX=f"lijfwijs-bench-{os.getpid()}",
        )
    server = None
    log_path = var_dir / "gunicorn.log"
    try:
        log(f"load run on {label}: migrate, content and {CLIENTS} clients with a year of diary")
        manage("migrate", "--noinput", env=env)
        manage("load_content", env=env)
        shutil.copytree(static_dir, var_dir / "static")
        config_path = var_dir / "locust.json"
        _subprocess(["--prepare", str(config_path)], env)
        port = free_port()
        server = start_gunicorn(port, log_path, env, workers=workers)
        wait_ready(port, server, log_path)
        out_path = var_dir / "locust-out.json"
        cmd = [
            str(locust),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "30",
            "--host",
            f"http://127.0.0.1:{port}",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        log(f"$ locust --headless --users {users} --run-time {seconds}s against {workers} workers")
        t0 = time.monotonic()
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**env, "BENCH_LOAD_CONFIG": str(config_path), "BENCH_LOAD_OUT": str(out_path)},
            capture_output=True,
            text=True,
            timeout=seconds + 180,
        )
        ran = time.monotonic() - t0
        if not out_path.exists():
            raise BenchError(f"locust wrote no results ({proc.returncode}):\n{proc.stderr[-3000:]}")
        if server.poll() is not None:
            raise BenchError(f"gunicorn died during the load run:\n{tail(log_path)}")
        stop_gunicorn(server)
        seen = json.loads(out_path.read_text())
        stored = set(json.loads(_subprocess(["--count"], env)))
        acked = set(seen["acked"])
        times = seen["times"]
        statuses: dict[str, int] = seen["statuses"]
        # A 5xx, or no answer at all (an exception's name: a broken connection, a timeout).
        server_errors = sum(
            n for s, n in statuses.items() if not s.isdigit() or int(s) >= 500 or int(s) == 0
        )
        other = {s: n for s, n in statuses.items() if s.isdigit() and 400 <= int(s) < 500}
        if server_errors or other:
            bad = {
                k: n for k, n in seen["by_name"].items() if not k.endswith((" 200", " 201", " 302"))
            }
            log(f"{label}: answers other than 2xx/3xx by request: {bad}")
            log(f"gunicorn log:\n{tail(log_path, 15)}")
        return LoadResult(
            label,
            requests=len(times),
            seconds=ran,
            p50_ms=percentile(times, 0.5) if times else 0.0,
            p95_ms=percentile(times, 0.95) if times else 0.0,
            server_errors=server_errors,
            other_failures=other,
            acked=len(acked),
            stored=len(stored),
            lost=len(acked - stored),
            wall_seconds=time.monotonic() - started,
        )
    finally:
        if server is not None:
            stop_gunicorn(server)
        if keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
        if postgres and not keep:
            try:
                import psycopg
                import redis

                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute("DROP DATABASE IF EXISTS lijfwijs_bench WITH (FORCE)")
                store = redis.Redis.from_url(REDIS_BENCH)
                for key in store.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000):
                    store.delete(key)
            except Exception as exc:  # noqa: BLE001 - cleaning up must not hide the result
                log(f"could not remove the bench's PostgreSQL database or Redis keys: {exc}")


def rows(results: list[LoadResult], users: int, seconds: int) -> list[tuple[str, str, str, str]]:
    """The table rows of the load runs (see bench/README.md)."""
    out = []
    for r in results:
        name = f"load run, {r.label}"
        if r.skipped:
            out.append((name, f"skipped: {r.skipped}", "-", "-"))
            continue
        failures = f"; 4xx answers: {r.other_failures}" if r.other_failures else ""
        out.append(
            (
                name,
                f"{r.requests:,} requests in {r.seconds:.0f}s ({r.requests / r.seconds:,.0f}/s),"
                f" median {r.p50_ms:.0f} ms, p95 {r.p95_ms:.0f} ms, {r.server_errors} server "
                f"errors; check-ins {r.acked:,} acknowledged, {r.stored:,} stored"
                + (f", {r.lost} LOST" if r.lost else "")
                + failures,
                f"0 errors, p95 <= {P95_MS:.0f} ms, none lost",
                "OK" if r.ok else "FAIL",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Subcommands run with the load run's environment (Django set up in a process of their own)


def prepare(config_path: Path) -> None:
    """The load run's clients (one password hash shared, so creating them is fast), a year of
    diary each, and the config Locust reads."""
    import django

    django.setup()
    from data import add_checkins, add_results
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from run import pijntest_answers

    from lijfwijs.accounts.localtime import zone_of
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.assessments.models import Response
    from lijfwijs.learn.models import Article

    answers = pijntest_answers()
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(email=f"bench-load-{n}@bench.invalid", password=hashed, role="client")
            for n in range(CLIENTS)
        ]
    )
    for n, user in enumerate(users):
        give_health_consent(user)
        add_checkins(user, CLIENT_DAYS, seed=n, per_day=3)
    add_results(users[0], answers, 1)
    some = Response.objects.filter(user=users[0]).first()
    report = reverse("assessments:report", kwargs={"response_id": some.pk})
    article = Article.objects.published().order_by("pk").first()
    if article is None:
        raise BenchError("no published article (manage.py load_content)")
    config = {
        "clients": [u.email for u in users],
        "password": PASSWORD,
        "zone": str(zone_of(users[0])),
        "answers": answers,
        "report_path": report.replace(str(some.pk), "ID"),
        "article_path": reverse("learn:detail", kwargs={"slug": article.slug}),
    }
    config_path.write_text(json.dumps(config))


def count() -> None:
    import django

    django.setup()
    from data import stored_keys

    print(json.dumps(sorted(stored_keys("bench-load-*", prefix="load-"))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100, help="concurrent Locust users (100)")
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load per run (60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--keep", action="store_true", help="keep the var dirs and logs")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.prepare:
        prepare(args.prepare)
        return 0
    if args.count:
        count()
        return 0
    try:
        results = all_runs(args.users, args.seconds, args.workers, args.keep)
    except BenchError as exc:
        print(f"bench: harness error: {exc}", file=sys.stderr)
        return 1
    from run import print_table

    print_table(rows(results, args.users, args.seconds))
    return 0


def all_runs(
    users: int, seconds: int, workers: int, keep: bool, static_dir: Path | None = None
) -> list[LoadResult]:
    """The load run on SQLite, then on PostgreSQL + Redis. `static_dir`: static files already
    collected by the caller (bench/run.py); collected here once when None."""
    collected = None
    if static_dir is None:
        collected = Path(tempfile.mkdtemp(prefix="lijfwijs-static-"))
        manage("collectstatic", "--noinput", env={**os.environ, **bench_env(collected)})
        static_dir = collected / "static"
    try:
        return [
            run_load("SQLite, local memory", False, users, seconds, workers, keep, static_dir),
            run_load("PostgreSQL + Redis", True, users, seconds, workers, keep, static_dir),
        ]
    finally:
        if collected is not None:
            shutil.rmtree(collected, ignore_errors=True)


def describe(users: int, seconds: int, workers: int) -> str:
    return (
        f"load runs: Locust, {users} users (visitors 3 : clients 2, 1-3 s between tasks) for "
        f"{seconds}s against gunicorn -w {workers} -k sync; clients: {CLIENTS} accounts with "
        f"{CLIENT_DAYS} days of check-ins, 3 a day"
    )


if __name__ == "__main__":
    sys.exit(main())
