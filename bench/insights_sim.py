"""Simulation of the diary insights' tag tests on drifting diaries: false alarms and power.

A diary here is 90 days with one check-in a day, as a person in the first three months has it:

- pain is 5 + a drift + day-to-day noise, rounded to a whole number and kept within 0-10. The
  drift is AR(1) (phi 0.8, sd 1.5: a bad week, a good month); the day noise has sd 1.0.
- 8 tags, each an on/off Markov chain: runs of 4-7 days on average (drawn per tag), on for
  20-50% of the days (drawn per tag), the first day from the chain's own balance.
- sleep (last night) is 6 + an AR(1) (phi 0.5, sd 1.8), rounded: "slept 4 or less" on about
  a fifth of the days.

(a) False alarms: nothing affects pain. The share of diaries with any "clear" pattern among all
    tests (every tag at lag 0 and 1, and low sleep; Benjamini-Hochberg at 5%) should be at most
    5%: with no real pattern at all, the false discovery rate is exactly that share.
(b) Power: the same, but on the days with tag t0 pain is 2 points higher. The share of diaries in
    which t0 at lag 0 is clear with a positive difference.

Both are shown for the current method ("shift") and the one before it ("bartlett"), and with
plain Welch for reference, each with its Monte-Carlo standard error. Seeds are fixed, so a run
gives the same figures every time. `.venv/bin/python bench/insights_sim.py [--diaries N]`;
bench/run.py shows the rows of `table_rows()` in its table.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lijfwijs.diary.insights import Day, Method, tag_effects  # noqa: E402

DAYS = 90
TAGS = 8
DRIFT_PHI = 0.8
DRIFT_SD = 1.5
NOISE_SD = 1.0
RUN_DAYS = (4.0, 7.0)
TAG_SHARE = (0.2, 0.5)
EFFECT = 2.0
START = date(2026, 1, 5)
METHODS: tuple[Method, ...] = ("shift", "bartlett", "plain")
SCENARIOS = {"drift": 0.0, "drift + day noise": NOISE_SD}  # pain: the day noise's sd


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """A stationary AR(1) series with lag-1 correlation phi and standard deviation sd."""
    shocks = rng.normal(0.0, sd * math.sqrt(1.0 - phi * phi), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + shocks[t]
    return out


def _runs(rng: np.random.Generator, n: int) -> np.ndarray:
    """An on/off Markov chain: mean run on drawn from RUN_DAYS, share of days on from TAG_SHARE."""
    mean_on = rng.uniform(*RUN_DAYS)
    share = rng.uniform(*TAG_SHARE)
    off_chance = 1.0 / mean_on  # an on day is followed by an off day
    on_chance = off_chance * share / (1.0 - share)  # and an off day by an on day
    u = rng.random(n)
    out = np.empty(n, dtype=np.bool_)
    state = u[0] < share
    for t in range(n):
        out[t] = state
        if t + 1 < n:
            state = u[t + 1] >= off_chance if state else u[t + 1] < on_chance
    return out


def diary(
    seed: int,
    effect: float = 0.0,
    days: int = DAYS,
    tags: int = TAGS,
    drift_sd: float = DRIFT_SD,
    noise_sd: float = NOISE_SD,
) -> list[Day]:
    """One simulated diary (see the module docstring); tag t0 adds `effect` points on its days."""
    rng = np.random.default_rng([20261202, seed])
    has = np.column_stack([_runs(rng, days) for _ in range(tags)])
    pain = 5.0 + _ar1(rng, days, DRIFT_PHI, drift_sd) + rng.normal(0.0, noise_sd, days)
    pain = np.clip(np.round(pain + effect * has[:, 0]), 0, 10)
    sleep = np.clip(np.round(6.0 + _ar1(rng, days, 0.5, 1.8)), 0, 10)
    names = [f"t{k}" for k in range(tags)]
    return [
        Day(
            START + timedelta(days=n),
            float(pain[n]),
            None,
            None,
            float(sleep[n]),
            frozenset(name for name, on in zip(names, has[n], strict=True) if on),
        )
        for n in range(days)
    ]


def any_clear(days: list[Day], method: Method = "shift") -> bool:
    return any(e.clear for e in tag_effects(days, method=method))


def found(days: list[Day], method: Method = "shift") -> bool:
    """Tag t0 at lag 0 clear, in the right direction."""
    return any(
        e.clear and (e.difference or 0) > 0
        for e in tag_effects(days, method=method)
        if e.kind == "tag" and e.tag == "t0" and e.lag == 0
    )


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int

    @property
    def share(self) -> float:
        return self.hits / self.n

    @property
    def error(self) -> float:
        """Monte-Carlo standard error of the share."""
        return math.sqrt(self.share * (1.0 - self.share) / self.n)

    def __str__(self) -> str:
        return f"{100 * self.share:.1f}% ± {100 * self.error:.1f}"


def rates(
    diaries: int = 1000,
    first_seed: int = 0,
    methods: tuple[Method, ...] = METHODS,
    **kw: float,
) -> dict[Method, tuple[Rate, Rate]]:
    """(false alarms, power) per method over `diaries` seeded diaries each."""
    noise = [diary(s, **kw) for s in range(first_seed, first_seed + diaries)]
    planted = [diary(s, effect=EFFECT, **kw) for s in range(first_seed, first_seed + diaries)]
    return {
        m: (
            Rate(sum(any_clear(d, m) for d in noise), diaries),
            Rate(sum(found(d, m) for d in planted), diaries),
        )
        for m in methods
    }


def table_rows(diaries: int = 1000) -> list[tuple[str, str, str, str]]:
    """bench/run.py's rows: per scenario the share of pure-noise diaries called clear and the
    share of +2 tags found, by the current method with the one before it beside it. A share
    passes within two Monte-Carlo standard errors of its target."""
    rows = []
    for name, noise in SCENARIOS.items():
        r = rates(diaries, methods=("shift", "bartlett"), noise_sd=noise)
        (alarm, power), (alarm_before, power_before) = r["shift"], r["bartlett"]
        what = f"insights sim, 90 days, {name}: {diaries:,} diaries,"
        rows += [
            (
                f"{what} pure noise called clear",
                f"{alarm} (before, Bartlett: {alarm_before})",
                "<= 5%",
                "OK" if alarm.share - 2 * alarm.error <= 0.05 else "FAIL",
            ),
            (
                f"{what} a +2 tag found",
                f"{power} (before, Bartlett: {power_before})",
                ">= 75%",
                "OK" if power.share + 2 * power.error >= 0.75 else "FAIL",
            ),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diaries", type=int, default=1000)
    parser.add_argument("--tags", type=int, default=TAGS)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(
        f"{args.diaries} diaries per figure, {DAYS} days, {args.tags} tags in runs of "
        f"{RUN_DAYS[0]:g}-{RUN_DAYS[1]:g} days; pain drift AR(1) phi {DRIFT_PHI} sd {DRIFT_SD:g}"
    )
    print(f"{'pain':18} {'method':10} {'pure noise: any clear':>22} {'t0 +2 found':>14}")
    for name, noise in SCENARIOS.items():
        result = rates(args.diaries, noise_sd=noise, tags=args.tags)
        label = name if not noise else f"{name} (sd {noise:g})"
        for method, (alarm, power) in result.items():
            print(f"{label:18} {method:10} {alarm!s:>22} {power!s:>14}")
    print(f"(target: any clear <= 5%, found >= 75%; {time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
