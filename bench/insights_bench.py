"""Benchmark of the diary insights: the pure core, and the pages and API in process.

The core: one client with 5 years of data, 3 check-ins a day and 40 tags, through `insights()` on
one core; best of 5, in ms. Target: <= 50 ms. Standalone (no Django):
`.venv/bin/python bench/insights_bench.py [--runs N] [--seed S]`; bench/run.py runs the same
measurement (`measure()`) as one row of its table. Building the data is not timed.

`--pages`: the same diary stored for a signed-in client in a throwaway SQLite database (DEBUG=0,
local-memory cache), then through the test client in process: the check-in form, the insights
page and `/api/v1/insights`, cold (the person's data version raised before each request, as a
check-in does) and warm; median and p95 in ms. Target: cold insights <= 150 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lijfwijs.diary.insights import CheckIn, insights  # noqa: E402

YEARS = 5
PER_DAY = 3
TAGS = 40
TARGET_MS = 50.0


def build(
    seed: int = 1, years: int = YEARS, per_day: int = PER_DAY, n_tags: int = TAGS
) -> list[CheckIn]:
    """Check-ins of one person on every day: slowly wandering pain, some tags that matter,
    some missing values (sleep is asked in the first check-in of a day)."""
    rng = random.Random(seed)
    tags = [f"tag-{i:02d}" for i in range(n_tags)]
    odds = [rng.uniform(0.02, 0.4) for _ in tags]
    effect = {t: rng.choice((0.0, 0.0, 0.0, 1.0, -1.0)) for t in tags}
    start = date(2020, 1, 1)
    level = 5.0
    out: list[CheckIn] = []
    for n in range(365 * years + years // 4):
        day = start + timedelta(days=n)
        level = min(8.0, max(2.0, level + rng.gauss(0, 0.2)))
        for k in range(per_day):
            present = frozenset(t for t, p in zip(tags, odds, strict=True) if rng.random() < p)
            pain = level + sum(effect[t] for t in present) + rng.gauss(0, 1.2)

            def clip(x: float) -> float:
                return float(min(10, max(0, round(x))))

            out.append(
                CheckIn(
                    day=day,
                    pain=clip(pain) if rng.random() > 0.02 else None,
                    stress=clip(rng.gauss(5, 2)) if rng.random() > 0.1 else None,
                    energy=clip(rng.gauss(5, 2)) if rng.random() > 0.1 else None,
                    sleep=clip(rng.gauss(6, 2)) if k == 0 and rng.random() > 0.1 else None,
                    tags=present,
                )
            )
    return out


def measure(runs: int = 5, seed: int = 1) -> tuple[float, str]:
    """Best of `runs` timed calls of `insights()` in ms (after one warm-up call), and what was
    measured. bench/run.py calls this for its `insights (pure core), 5 years` row."""
    checkins = build(seed)
    today = max(c.day for c in checkins)
    insights(checkins, today)  # warm-up: imports, first calls into numpy/scipy
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = insights(checkins, today)
        times.append((time.perf_counter() - t0) * 1000)
    clear = sum(e.clear for e in result.tag_effects)
    what = (
        f"{len(checkins):,} check-ins, {len(result.days):,} days, {TAGS} tags, "
        f"{len(result.tag_effects)} tests ({clear} clear)"
    )
    return min(times), what


COLD_TARGET_MS = 150.0


def _stats(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f} ms, p95 {p95:6.1f} ms (n={len(ordered)})"


def store(seed: int = 1) -> Any:
    """The 5-year diary of `build()` stored for a new client (40 own tags), bulk-created."""
    from datetime import datetime
    from datetime import time as clock

    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.diary import services
    from lijfwijs.diary.models import CheckIn as Row
    from lijfwijs.diary.models import Tag

    user = User.objects.create_user("bench-insights@bench.invalid", "a-long-password-1")
    give_health_consent(user)
    tags = Tag.objects.bulk_create(
        [Tag(user=user, name_nl=f"tag-{i:02d}", name_en=f"tag-{i:02d}") for i in range(TAGS)]
    )
    by_name = {t.name_nl: t for t in tags}
    records = build(seed)
    shift = services.local_today(user) - max(c.day for c in records)
    zone = services.zone_of(user)
    rows, links = [], []
    for n, c in enumerate(records):
        day = c.day + shift
        at = datetime.combine(day, clock(8 + 5 * (n % 3)), tzinfo=zone)
        values = {
            k: None if v is None else int(v)
            for k, v in (("stress", c.stress), ("energy", c.energy), ("sleep", c.sleep))
        }
        row = Row(user=user, day=day, at=at, pain=int(c.pain or 0), **values)
        rows.append(row)
        links.extend((row, by_name[t]) for t in c.tags)
    Row.objects.bulk_create(rows, batch_size=1000)
    Row.tags.through.objects.bulk_create(
        [Row.tags.through(checkin_id=r.pk, tag_id=t.pk) for r, t in links], batch_size=2000
    )
    User.objects.data_changed(user)
    return user


def pages(requests: int = 200, cold_requests: int = 20, seed: int = 1) -> int:
    """The check-in form, the insights page and the API in process (see the module docstring)."""
    import os
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import bench_env  # noqa: PLC0415 - the same environment as bench/run.py

    os.environ.update(bench_env(Path(tempfile.mkdtemp(prefix="lijfwijs-insights-"))))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from lijfwijs.accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    user = store(seed)
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")

    def timed(path: str, cold: bool) -> float:
        if cold:
            User.objects.data_changed(user)  # what a check-in does: the next view is cold
            cache.clear()  # and nothing else kept (before versioned keys, caches were dropped)
        t0 = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {path} gave {response.status_code}")
        return took

    print(f"in process, {user.checkins.count():,} check-ins over 5 years, {TAGS} own tags")
    rows = [
        ("check-in form", "/dagboek/nieuw/", False, requests),
        ("insights page, cold", "/dagboek/inzichten/", True, cold_requests),
        ("insights page, warm", "/dagboek/inzichten/", False, requests),
        ("insights API, cold", "/api/v1/insights", True, cold_requests),
        ("insights API, warm", "/api/v1/insights", False, requests),
    ]
    for name, path, cold, n in rows:
        for _ in range(3):  # warm-up: imports, templates, the session
            timed(path, cold)
        times = [timed(path, cold) for _ in range(n)]
        mark = ""
        if cold:
            mark = " ok" if statistics.median(times) <= COLD_TARGET_MS else " MISSED"
        print(f"{name:22} {_stats(times)}{mark}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", action="store_true", help="the pages and API in process")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    if args.pages:
        return pages(args.requests, seed=args.seed)

    best, what = measure(args.runs, args.seed)
    print(
        f"insights (pure core): {what}: best of {args.runs} {best:.1f} ms "
        f"(target <= {TARGET_MS:.0f} ms) {'ok' if best <= TARGET_MS else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
