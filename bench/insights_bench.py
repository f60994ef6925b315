"""Benchmark of the diary insights core: one client with 5 years of data, 3 check-ins a day and
40 tags, through `insights()` on one core; best of 5, in ms. Target: <= 50 ms.

Standalone (no Django): `.venv/bin/python bench/insights_bench.py [--runs N] [--seed S]`; bench/run.py
runs the same measurement (`measure()`) as one row of its table.
Building the data is not timed; `insights()` is, from check-ins to the finished result.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    best, what = measure(args.runs, args.seed)
    print(
        f"insights (pure core): {what}: best of {args.runs} {best:.1f} ms "
        f"(target <= {TARGET_MS:.0f} ms) {'ok' if best <= TARGET_MS else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
