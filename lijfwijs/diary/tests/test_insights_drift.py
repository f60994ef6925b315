"""The tag tests on drifting diaries: a small, seeded version of bench/insights_sim.py.

90-day diaries with one check-in a day; pain drifts (AR(1), phi 0.8) and 8 tags come in runs of
4-7 days (see bench/insights_sim.py for the model). Two kinds of diary:

- "drift": pain is the drift only, as the issue describes it (AR(1) pain, rho 0.8);
- "drift + noise": the drift plus day-to-day noise (sd 1.0), which is where Bartlett's factor
  under-corrected: the lag-1 correlation of such pain understates how long the drift lasts.

The seeds are fixed, so each count below is the same on every run; the bounds leave room for
the Monte-Carlo error of the stated rates (the bench runs 1,000 diaries per figure). The whole
file takes about 8 s on one core.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench import insights_sim as sim
from lijfwijs.diary import insights as ins

NOISE = {"drift": 0.0, "drift + noise": sim.NOISE_SD}


def null_p_values(diaries: list[list[ins.Day]], method: ins.Method) -> np.ndarray:
    return np.array(
        [
            e.p_value
            for days in diaries
            for e in ins.tag_effects(days, method=method)
            if e.enough_data and e.p_value is not None
        ]
    )


def test_p_values_are_honest_on_drifting_noise() -> None:
    """Where nothing affects pain, a test should give p <= 0.05 in 5% of cases and p <= 0.01
    in 1%. 300 drift + noise diaries give about 5,000 tests (correlated: a tag's lag 0 and lag
    1 tests see the same runs, so the rates wander more than a binomial's, about +/- 0.5 point
    at 5%). Seen with these seeds: shift 4.8% and 0.9%; Bartlett 7.3% and 1.7%, too eager,
    which is why it called about twice the intended share of pure-noise diaries "clear"."""
    diaries = [sim.diary(seed) for seed in range(300)]
    shift = null_p_values(diaries, "shift")
    bartlett = null_p_values(diaries, "bartlett")
    assert len(shift) == len(bartlett) > 4500
    assert 0.04 <= (shift <= 0.05).mean() <= 0.06
    assert (shift <= 0.01).mean() <= 0.0135
    assert (bartlett <= 0.05).mean() >= 0.065
    assert (bartlett <= 0.01).mean() >= 0.015


@pytest.mark.parametrize("kind", NOISE)
def test_pure_noise_is_rarely_called_a_clear_pattern(kind: str) -> None:
    """The share of pure-noise diaries with any clear pattern (all tests, Benjamini-Hochberg at
    5%) should be at most 5%. The bench's 1,000 diaries (seeds 0-999): 5.4% +/- 0.7 (drift) and
    3.8% +/- 0.6 (drift + noise); other blocks of seeds gave 3.3-4.6% and 4.3-5.9%. With these
    300 seeds: 17 and 11, so <= 20 is 5% plus about one Monte-Carlo standard deviation (1.3
    points)."""
    count = sum(sim.any_clear(sim.diary(seed, noise_sd=NOISE[kind])) for seed in range(300))
    assert count <= 20


@pytest.mark.parametrize(
    ("kind", "at_least", "before_at_most"), [("drift", 85, 55), ("drift + noise", 62, 60)]
)
def test_a_tag_that_adds_two_points_is_found(kind: str, at_least: int, before_at_most: int) -> None:
    """A tag that adds 2 points on its days is found (clear, higher) in most diaries. The
    bench's 1,000 diaries: drift 96.5% (Bartlett 53%); drift + noise 73% (Bartlett 54%), other
    blocks of seeds 74-75%: day-to-day noise on top of a drift leaves a 90-day diary less to go
    on, for any test. With these 100 seeds: 95 (Bartlett 42) and 71 (Bartlett 50)."""
    diaries = [sim.diary(seed, effect=2.0, noise_sd=NOISE[kind]) for seed in range(100)]
    found = sum(sim.found(days) for days in diaries)
    before = sum(sim.found(days, "bartlett") for days in diaries)
    assert found >= at_least
    assert before <= before_at_most
    assert found >= before + 10


def test_the_difference_allows_for_drift() -> None:
    """With pain that drifts, the raw mean difference of a +2 tag wanders with the drift; the
    shift test's difference weighs each run against the days around it and lands nearer 2,
    and its interval holds 2 about as often as it promises (clipping at 0 and 10 and rounding
    shrink the effect a little). With these 100 seeds: mean error 0.26 against 0.59, 94%."""
    errors, raw_errors, covered = [], [], []
    for seed in range(100):
        days = sim.diary(seed, effect=2.0, noise_sd=0.0)
        (e,) = [x for x in ins.tag_effects(days) if x.tag == "t0" and x.lag == 0]
        assert e.difference is not None and e.mean_with is not None and e.mean_without is not None
        assert e.ci_low is not None and e.ci_high is not None
        errors.append(abs(e.difference - 2.0))
        raw_errors.append(abs(e.mean_with - e.mean_without - 2.0))
        covered.append(e.ci_low <= 2.0 <= e.ci_high)
    assert np.mean(errors) < 0.6 * np.mean(raw_errors)
    assert np.mean(covered) >= 0.88


def test_p_values_stay_honest_with_missing_days() -> None:
    """A diary has gaps: a fifth of the days left out at random (fixed seeds). The filter
    weighs a row after a gap by how much of the drift can have carried over it, and the shift
    spread does the rest. With these 200 diaries: p <= 0.05 in 4.6% of about 3,300 tests."""
    diaries = []
    for seed in range(200):
        keep = np.random.default_rng([99, seed]).random(sim.DAYS) >= 0.2
        diaries.append([d for d, k in zip(sim.diary(seed), keep, strict=True) if k])
    p = null_p_values(diaries, "shift")
    assert len(p) > 3000
    assert 0.035 <= (p <= 0.05).mean() <= 0.065
    assert (p <= 0.01).mean() <= 0.0135
