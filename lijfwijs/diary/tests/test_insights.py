"""Tests of the diary insights core (lijfwijs/diary/insights.py): plain data, no database.

Table-driven cases for the rules at their edges, Welch and Benjamini-Hochberg against scipy,
planted effects that must be found, pure noise that must not be called a clear pattern, and
hypothesis properties over arbitrary check-ins.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from lijfwijs.diary import insights as ins
from lijfwijs.diary.insights import CheckIn, Day, TagEffect

D0 = date(2024, 3, 4)

# The root conftest has a function-scoped autouse fixture (cache clearing); it does not touch
# these pure tests, so hypothesis's health check about it is not useful here.
# As many examples as the profile gives (bounded: 50; thorough: 500; conftest.py).
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def d(n: int) -> date:
    return D0 + timedelta(days=n)


def mkday(
    n: int,
    pain: float | None,
    tags: Sequence[str] = (),
    sleep: float | None = None,
    stress: float | None = None,
) -> Day:
    return Day(d(n), pain, stress, None, sleep, frozenset(tags))


def effect(effects: Sequence[TagEffect], tag: str, lag: int = 0) -> TagEffect:
    (found,) = [e for e in effects if e.kind == "tag" and e.tag == tag and e.lag == lag]
    return found


def low_sleep(effects: Sequence[TagEffect]) -> TagEffect:
    (found,) = [e for e in effects if e.kind == "low_sleep"]
    return found


# ---------------------------------------------------------------------------------------------
# Daily values


def test_daily_means_sleep_and_tags() -> None:
    checkins = [
        CheckIn(d(1), 6, stress=None, energy=3, sleep=None, tags=frozenset({"b"})),
        CheckIn(d(0), 4, stress=2, energy=None, sleep=7, tags=frozenset({"a"})),
        CheckIn(d(0), 7, stress=None, energy=None, sleep=None, tags=frozenset({"b"})),
        CheckIn(d(0), 5, stress=6, energy=None, sleep=None),
        CheckIn(d(1), None, stress=5, energy=None, sleep=5),
        CheckIn(d(1), 8, stress=None, energy=5, sleep=7),
    ]
    assert ins.daily(checkins) == [
        Day(d(0), 16 / 3, 4.0, None, 7.0, frozenset({"a", "b"}), checkins=3),
        Day(d(1), 7.0, 5.0, 4.0, 6.0, frozenset({"b"}), checkins=3),
    ]


def test_daily_day_without_pain_keeps_its_tags() -> None:
    (day,) = ins.daily([CheckIn(d(0), None, tags=frozenset({"x"}))])
    assert day.pain is None and day.tags == {"x"} and day.checkins == 1


def test_daily_of_nothing() -> None:
    assert ins.daily([]) == []


@pytest.mark.parametrize("field", ["pain", "stress", "energy", "sleep"])
@pytest.mark.parametrize("value", [-0.5, 10.5, float("nan")])
def test_checkin_rejects_values_outside_0_to_10(field: str, value: float) -> None:
    values: dict[str, float | None] = {"pain": 5, "stress": None, "energy": None, "sleep": None}
    values[field] = value
    with pytest.raises(ValueError, match=field):
        CheckIn(d(0), **values)  # type: ignore[arg-type]


def test_days_must_be_one_per_date() -> None:
    with pytest.raises(ValueError):
        ins.trend([mkday(0, 3), mkday(0, 4)])


# ---------------------------------------------------------------------------------------------
# Trend


@pytest.mark.parametrize(
    ("pains", "expected"),
    [
        # 7 consecutive days: None until the 4th value, then the mean of what the window holds.
        ({0: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 7}, [None, None, None, 2.5, 3.0, 3.5, 4.0]),
        # the window is 7 calendar days ending that day: day 7 drops day 0
        ({0: 10, 1: 2, 2: 2, 3: 2, 7: 2}, [None, None, None, 4.0, 2.0]),
        # a gap: day 13's window (days 7-13) has 4 values, day 12's only 3
        ({0: 1, 1: 1, 2: 1, 10: 4, 11: 5, 12: 6, 13: 9}, [None, None, None, None, None, None, 6.0]),
    ],
)
def test_rolling_mean(pains: dict[int, float], expected: list[float | None]) -> None:
    series = ins.trend([mkday(n, p) for n, p in pains.items()]).series
    assert [p.day for p in series] == [d(n) for n in pains]
    assert [p.pain for p in series] == list(pains.values())
    assert [p.rolling for p in series] == pytest.approx(expected)


def test_series_leaves_out_days_without_pain() -> None:
    series = ins.trend([mkday(0, 3), mkday(1, None, ["x"]), mkday(2, 5)]).series
    assert [p.day for p in series] == [d(0), d(2)]


def two_windows(first: float, last: float, n_first: int = 14, n_last: int = 14) -> list[Day]:
    """n_first days of `first` from day 0, pain 9 in between, n_last days of `last` at the end
    (day 40 the last)."""
    days = [mkday(n, first) for n in range(n_first)]
    days += [mkday(n, 9) for n in range(14, 27)]
    days += [mkday(40 - n, last) for n in range(n_last)]
    return days


def test_windows_are_the_first_and_last_14_calendar_days() -> None:
    t = ins.trend(two_windows(6, 4))
    assert (t.first_from, t.first_to, t.last_from, t.last_to) == (d(0), d(13), d(27), d(40))
    assert (t.n_first, t.n_last, t.first_mean, t.last_mean) == (14, 14, 6.0, 4.0)
    assert t.enough_data


@pytest.mark.parametrize(
    ("first", "last", "meaningful", "direction"),
    [
        (6.0, 4.0, True, "better"),  # exactly 2 points (20%)
        (6.0, 4.5, False, "better"),  # 1.5 points, 25%
        (5.0, 3.5, True, "better"),  # 1.5 points, exactly 30%
        (3.0, 3.9, True, "worse"),  # 0.9 points, 30% (floating point edge)
        (2.0, 2.5, False, "worse"),  # 0.5 points, 25%
        (9.0, 7.0, True, "better"),  # 2 points, 22%
        (5.0, 5.04, False, "same"),  # shows as 0.0
        (5.0, 5.06, False, "worse"),
        (0.0, 1.0, False, "worse"),  # no percentage from a zero start
        (0.0, 2.0, True, "worse"),
    ],
)
def test_meaningful_change(first: float, last: float, meaningful: bool, direction: str) -> None:
    t = ins.trend(two_windows(first, last))
    assert t.enough_data
    assert t.change == pytest.approx(last - first)
    assert t.meaningful is meaningful
    assert t.direction == direction
    if first > 0:
        assert t.percent_change == pytest.approx(100 * (last - first) / first)
    else:
        assert t.percent_change is None


@pytest.mark.parametrize(
    ("days", "enough"),
    [
        (two_windows(6, 4, n_first=5, n_last=5), True),
        (two_windows(6, 4, n_first=4, n_last=14), False),
        (two_windows(6, 4, n_first=14, n_last=4), False),
        # first and last entry 27 days apart: windows 0-13 and 14-27 just do not overlap
        ([mkday(n, 5) for n in range(28)], True),
        ([mkday(n, 5) for n in range(27)], False),
        ([], False),
    ],
)
def test_trend_needs_five_days_in_each_separate_window(days: list[Day], enough: bool) -> None:
    t = ins.trend(days)
    assert t.enough_data is enough
    if not enough:
        assert (t.first_mean, t.change, t.meaningful, t.direction) == (None, None, None, None)


# ---------------------------------------------------------------------------------------------
# Flare-up


def flare_days(
    recent: Sequence[float | None], baseline: float = 4.0, n_base: int = 28
) -> list[Day]:
    """Baseline pain on the n_base days before the last three; `recent` on days 28, 29, 30."""
    days = [mkday(27 - k, baseline) for k in range(n_base)]
    days += [mkday(28 + k, p) for k, p in enumerate(recent) if p is not None]
    return days


TODAY = d(30)


@pytest.mark.parametrize(
    ("recent", "active", "rise"),
    [
        ((6, 6, 6), True, 2.0),  # exactly +2 is a flare-up
        ((5, 7, 6), True, 2.0),
        ((6, 6, 5.9), False, 1.9 + 0.0 - 0.0 - 0.0 + (6 + 6 + 5.9) / 3 - 5.9),
        ((None, 6, 6), True, 2.0),  # two days with pain are enough
        ((9, None, None), None, None),  # one is not
        ((2, 3, 3), False, -4 / 3),
    ],
)
def test_flare_up_edges(
    recent: Sequence[float | None], active: bool | None, rise: float | None
) -> None:
    f = ins.flare_up(flare_days(recent), TODAY)
    if active is None:
        assert f is None
        return
    assert f is not None
    assert f.active is active
    assert f.baseline == 4.0 and f.n_baseline == 28
    values = [p for p in recent if p is not None]
    assert f.recent_mean == pytest.approx(sum(values) / len(values))
    assert f.n_recent == len(values)
    assert f.rise == pytest.approx(f.recent_mean - 4.0)
    if active:
        assert rise == pytest.approx(f.rise)


def test_flare_up_baseline_is_the_median_of_the_28_days_before() -> None:
    days = [mkday(n, 2) for n in range(0, 14)] + [mkday(n, 5) for n in range(14, 28)]
    days += [mkday(-1, 10), mkday(-2, 10)]  # before the baseline window: ignored
    days += [mkday(28, 6), mkday(29, 6), mkday(30, 6), mkday(31, 10)]  # 31 is after today
    f = ins.flare_up(days, TODAY)
    assert f is not None
    assert (f.baseline, f.n_baseline, f.recent_mean, f.n_recent) == (3.5, 28, 6.0, 3)
    assert f.active


def test_flare_up_needs_ten_baseline_days() -> None:
    assert ins.flare_up(flare_days((7, 7, 7), n_base=10), TODAY) is not None
    assert ins.flare_up(flare_days((7, 7, 7), n_base=9), TODAY) is None


# ---------------------------------------------------------------------------------------------
# Tag effects


def test_next_day_pairs_only_consecutive_calendar_days() -> None:
    days = [
        mkday(0, 1, ["t"]),
        mkday(1, 5),  # after t
        mkday(2, None, ["t"]),  # no pain itself, but its tag counts for the next day
        mkday(3, 6),  # after t
        mkday(4, 2, ["t"]),
        # day 5 missing: the pair 4 -> 5 does not exist, 4 -> 6 is not a next day
        mkday(6, 9),
        mkday(7, 3),  # after no t
        mkday(8, 4, ["t"]),
        mkday(9, None),  # outcome without pain: left out
        mkday(10, 1),  # after no t (day 9 had no tag)
    ]
    effects = ins.tag_effects(days, min_days=1)
    lag0, lag1 = effect(effects, "t", 0), effect(effects, "t", 1)
    assert (lag0.n_with, lag0.n_without) == (3, 5)
    assert (lag0.mean_with, lag0.mean_without) == (pytest.approx(7 / 3), pytest.approx(4.8))
    # pairs 0->1 and 2->3 after t; 3->4, 6->7, 7->8 and 9->10 after no t
    assert (lag1.n_with, lag1.n_without) == (2, 4)
    assert (lag1.mean_with, lag1.mean_without) == (5.5, 2.5)
    assert lag1.difference == 3.0


def welch_days() -> tuple[list[Day], list[float], list[float]]:
    with_t = [6.0, 7.5, 5.0, 8.0, 6.5, 7.0, 9.0]
    without = [4.0, 5.5, 3.0, 6.0, 4.5, 2.0, 5.0, 4.0, 6.5, 3.5]
    days = [mkday(2 * k, p, ["t"]) for k, p in enumerate(with_t)]
    days += [mkday(2 * k + 1, p) for k, p in enumerate(without)]
    return days, with_t, without


def test_welch_interval_matches_scipy() -> None:
    days, with_t, without = welch_days()
    e = effect(ins.tag_effects(days, method="plain"), "t")
    assert e.inflation == 1.0
    ref = stats.ttest_ind(with_t, without, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert e.difference == pytest.approx(np.mean(with_t) - np.mean(without))
    assert e.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert (e.ci_low, e.ci_high) == (pytest.approx(ci.low), pytest.approx(ci.high))
    # By hand: means 7.0 and 4.4, variances 1.75 and 1.9333, standard error 0.6658, Welch
    # df 13.49, t(0.975) 2.152: 2.6 -/+ 1.433.
    assert (e.ci_low, e.ci_high) == (pytest.approx(1.167, abs=1e-3), pytest.approx(4.033, abs=1e-3))
    # The tag alternates day by day and pain does not carry over (its lag-1 correlation is
    # negative): Bartlett's factor is 1, and the shift test compares the same two means.
    assert effect(ins.tag_effects(days, method="bartlett"), "t") == e
    shifted = effect(ins.tag_effects(days), "t")
    assert (shifted.difference, shifted.n_with, shifted.mean_with) == (
        e.difference,
        e.n_with,
        e.mean_with,
    )
    # 17 days are few independent pieces for the spread over shifts: a wider t than Welch's
    assert shifted.p_value is not None and shifted.p_value < 0.05 and shifted.clear


def test_shift_variance_is_the_spread_over_every_circular_shift() -> None:
    """The FFT sum equals the variance of the statistic over all n circular shifts, done the
    long way (n dot products)."""
    rng = np.random.default_rng(4)
    n = 37
    weights = rng.normal(size=(3, n))
    residuals = rng.normal(size=(3, n))
    variance, df = ins._shift_variance(
        np.abs(np.fft.rfft(weights, axis=-1)) ** 2, np.abs(np.fft.rfft(residuals, axis=-1)) ** 2, n
    )
    for j in range(3):
        shifted = [weights[j] @ np.roll(residuals[j], -k) for k in range(n)]
        assert variance[j] == pytest.approx(np.var(shifted), rel=1e-9)
    assert np.all((df > 1) & (df < n))


def test_identical_values_give_no_test() -> None:
    days = [mkday(n, 5, ["t"] if n % 2 else []) for n in range(20)]
    e = effect(ins.tag_effects(days), "t")
    assert e.difference == 0.0 and e.enough_data
    assert (e.p_value, e.ci_low, e.q_value) == (None, None, None)
    assert not e.clear


def test_benjamini_hochberg_over_all_tests_with_enough_data() -> None:
    rng = random.Random(7)
    days = []
    for n in range(80):
        tags = [t for t in ("a", "b", "c") if rng.random() < 0.4] + (["rare"] if n < 4 else [])
        pain = 4 + 2 * ("a" in tags) + 5 * ("rare" in tags) + rng.gauss(0, 1)
        days.append(mkday(n, min(10.0, max(0.0, pain)), tags, sleep=rng.uniform(0, 10)))
    effects = ins.tag_effects(days)
    tested = [e for e in effects if e.enough_data]
    assert len(tested) == 7  # a, b, c at lags 0 and 1, and low sleep; "rare" has 4 days
    q = stats.false_discovery_control([e.p_value for e in tested], method="bh")
    assert [e.q_value for e in tested] == pytest.approx(list(q))
    assert all(e.q_value is not None and e.clear == (e.q_value <= ins.FDR) for e in tested)
    rare = effect(effects, "rare")
    assert rare.n_with == 4 and rare.p_value is not None and rare.p_value < 0.01
    assert not rare.enough_data and not rare.clear and rare.q_value is None
    assert effect(effects, "a").clear


def test_low_sleep_comparison() -> None:
    # The example: 14 days after sleeping 4 or less, 22 other days with a sleep value.
    rng = random.Random(3)
    days = [mkday(n, 6 + rng.gauss(0, 1), sleep=rng.choice([2, 3, 4])) for n in range(14)]
    days += [mkday(n, 4 + rng.gauss(0, 1), sleep=rng.choice([5, 8])) for n in range(14, 36)]
    days += [mkday(n, 9) for n in range(36, 40)]  # no sleep value: not compared
    e = low_sleep(ins.tag_effects(days))
    assert (e.tag, e.lag, e.n_with, e.n_without) == ("", 0, 14, 22)
    assert e.clear and e.ci_low is not None and e.ci_low > 0
    assert not [x for x in ins.tag_effects(days, low_sleep=None) if x.kind == "low_sleep"]


def planted(seed: int, n_days: int = 120, lag: int = 0, n_noise_tags: int = 5) -> list[Day]:
    """Pain 4.5 + noise (sd 1.5); tag "x" on ~30% of days adds 2 points the same day (lag 0) or
    the next day (lag 1); a few tags without any effect beside it."""
    rng = random.Random(seed)
    has_x = [rng.random() < 0.3 for _ in range(n_days + 1)]
    days = []
    for n in range(n_days):
        noise = [f"n{k}" for k in range(n_noise_tags) if rng.random() < 0.3]
        cause = has_x[n] if lag == 0 else n > 0 and has_x[n - 1]
        pain = min(10.0, max(0.0, 4.5 + 2 * cause + rng.gauss(0, 1.5)))
        days.append(mkday(n, pain, ["x", *noise] if has_x[n] else noise))
    return days


def test_planted_same_day_effect_is_found() -> None:
    found = [effect(ins.tag_effects(planted(seed)), "x", 0).clear for seed in range(20)]
    assert sum(found) >= 18


def test_planted_next_day_effect_is_found_at_lag_1_only() -> None:
    results = [ins.tag_effects(planted(seed, lag=1)) for seed in range(20)]
    assert sum(effect(r, "x", 1).clear for r in results) >= 18
    assert sum(effect(r, "x", 0).clear for r in results) <= 2


def noise_days(seed: int, n_days: int = 120, n_tags: int = 20) -> list[Day]:
    rng = random.Random(seed)
    odds = [rng.uniform(0.05, 0.5) for _ in range(n_tags)]
    days = []
    for n in range(n_days):
        tags = [f"t{k}" for k, p in enumerate(odds) if rng.random() < p]
        pain = min(10.0, max(0.0, rng.gauss(5, 1.5)))
        days.append(mkday(n, pain, tags, sleep=rng.uniform(0, 10)))
    return days


def test_pure_noise_is_not_called_a_clear_pattern() -> None:
    """Under pure noise BH keeps the chance of any clear pattern in a seed at about the FDR
    level (5%; for the all-null case FDR equals that chance). Over 200 seeds the count is
    binomial with sd sqrt(.05 * .95 / 200) = 1.5 points, so <= 8% leaves two sd of margin for
    the t approximation. The seeds are fixed, so the test is deterministic."""
    any_clear = [any(e.clear for e in ins.tag_effects(noise_days(seed))) for seed in range(200)]
    assert sum(any_clear) / len(any_clear) <= 0.08


def drifting_days(seed: int, n_days: int = 120, n_tags: int = 20, phi: float = 0.7) -> list[Day]:
    """Pure noise as a diary has it: pain wanders (AR(1), phi 0.7, sd 1.5) and each tag comes
    in runs (switches on or off with chance 0.15 a day, runs of about a week)."""
    rng = random.Random(seed)
    level, on, days = 0.0, [False] * n_tags, []
    for n in range(n_days):
        level = phi * level + rng.gauss(0, 1.5 * (1 - phi * phi) ** 0.5)
        on = [not x if rng.random() < 0.15 else x for x in on]
        tags = [f"t{k}" for k, x in enumerate(on) if x]
        days.append(mkday(n, min(10.0, max(0.0, 5 + level)), tags))
    return days


def test_drifting_noise_is_not_called_a_clear_pattern() -> None:
    """Plain Welch takes each day as independent evidence and calls most drifting-noise diaries
    a clear pattern; the shift test is back at about the FDR level (same margin as for
    independent noise). bench/insights_sim.py and test_insights_drift.py go further."""
    diaries = [drifting_days(seed) for seed in range(200)]
    plain = [ins.tag_effects(x, method="plain") for x in diaries]
    shifted = [ins.tag_effects(x) for x in diaries]
    assert sum(any(e.clear for e in r) for r in plain) / 200 > 0.5
    assert sum(any(e.clear for e in r) for r in shifted) / 200 <= 0.08


def test_bartlett_widens_the_interval_by_its_factor() -> None:
    days = drifting_days(1, n_days=200)
    plain = effect(ins.tag_effects(days, method="plain"), "t3")
    adjusted = effect(ins.tag_effects(days, method="bartlett"), "t3")
    assert plain.inflation == 1.0 and adjusted.inflation > 1.5
    assert adjusted.difference == plain.difference and adjusted.n_with == plain.n_with
    assert plain.ci_high is not None and plain.ci_low is not None and plain.p_value is not None
    assert adjusted.ci_high is not None and adjusted.ci_low is not None
    assert adjusted.p_value is not None and adjusted.p_value > plain.p_value
    # wider by sqrt(factor), and a little more from the smaller degrees of freedom
    ratio = (adjusted.ci_high - adjusted.ci_low) / (plain.ci_high - plain.ci_low)
    assert ratio >= adjusted.inflation**0.5


def test_shift_interval_covers_no_effect_on_drifting_noise() -> None:
    """On drifting noise no tag has an effect, so a 95% interval should contain 0 for about
    95% of the comparisons. Plain Welch's intervals are too narrow for wandering pain (about
    75% here); the shift test's difference allows for the drift and its interval, whose
    spread comes from the shifts, keeps its promise. 100 diaries x 20 tags x 2 lags, fixed
    seeds (the comparisons are correlated, so the margin is wider than a binomial's)."""
    diaries = [drifting_days(seed) for seed in range(100)]

    def coverage(method: ins.Method) -> float:
        found = [
            e.ci_low <= 0 <= e.ci_high
            for days in diaries
            for e in ins.tag_effects(days, method=method, low_sleep=None)
            if e.enough_data and e.ci_low is not None and e.ci_high is not None
        ]
        assert len(found) > 3500
        return sum(found) / len(found)

    assert coverage("plain") < 0.85
    assert 0.93 <= coverage("shift") <= 0.975


def test_same_diary_same_answer() -> None:
    """Nothing random: the same days give identical results (the cache relies on it)."""
    days = drifting_days(3, n_days=90)
    assert ins.tag_effects(days) == ins.tag_effects(list(days))
    assert ins.tag_effects(days) == ins.tag_effects(list(reversed(days)))


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        ins.tag_effects(drifting_days(0, n_days=20), method="magic")  # type: ignore[arg-type]


def test_never_clear_with_fewer_than_five_days_on_a_side() -> None:
    days = [
        mkday(n, 9.5 if n < 4 else 1 + 0.1 * (n % 3), ["t"] if n < 4 else []) for n in range(40)
    ]
    e = effect(ins.tag_effects(days), "t")
    assert (e.n_with, e.enough_data, e.clear) == (4, False, False)
    # all but four days with the tag: the other side is short
    days = [mkday(n, 9.5 if n >= 4 else 1, ["t"] if n >= 4 else []) for n in range(40)]
    e = effect(ins.tag_effects(days), "t")
    assert (e.n_without, e.enough_data, e.clear) == (4, False, False)


# ---------------------------------------------------------------------------------------------
# Correlations


def test_correlations_match_scipy_and_need_ten_days() -> None:
    rng = random.Random(5)
    days = []
    for n in range(30):
        slept = rng.uniform(0, 10)
        pain = min(10, max(0, 8 - 0.5 * slept + rng.gauss(0, 1)))
        days.append(mkday(n, pain, [], slept, rng.uniform(0, 10)))
    sleep, stress = ins.correlations(days, method="plain")
    ref = stats.spearmanr([x.pain for x in days], [x.sleep for x in days])
    assert (sleep.variable, sleep.n, sleep.enough_data) == ("sleep", 30, True)
    assert sleep.rho is not None and sleep.p_value is not None and sleep.rho < -0.5
    assert sleep.rho == pytest.approx(ref.statistic)
    assert sleep.p_value == pytest.approx(ref.pvalue)
    assert sleep.clear and stress.variable == "stress"
    assert sleep.inflation == stress.inflation == 1.0
    # The shift test keeps rho and finds the same strong link on independent days.
    shifted = ins.correlations(days)[0]
    assert shifted.rho == pytest.approx(sleep.rho, abs=1e-12) and shifted.clear
    assert shifted.p_value is not None and shifted.p_value < 0.001

    few = ins.correlations(days[:9])
    assert [(c.n, c.rho, c.enough_data, c.clear) for c in few] == [(9, None, False, False)] * 2


def test_correlation_with_a_constant_is_none() -> None:
    days = [mkday(n, n % 7, [], sleep=6, stress=None) for n in range(20)]
    sleep, stress = ins.correlations(days)
    assert (sleep.n, sleep.rho, sleep.p_value, sleep.clear) == (20, None, None, False)
    assert (stress.n, stress.rho) == (0, None)


# ---------------------------------------------------------------------------------------------
# Everything at once, and properties


def test_insights_bundles_the_parts() -> None:
    rng = random.Random(11)
    checkins = [
        CheckIn(
            d(n),
            float(rng.randint(0, 10)),
            stress=float(rng.randint(0, 10)),
            sleep=float(rng.randint(0, 10)),
            tags=frozenset(t for t in "abc" if rng.random() < 0.4),
        )
        for n in range(60)
        for _ in range(2)
    ]
    result = ins.insights(checkins, d(59))
    days = ins.daily(checkins)
    assert list(result.days) == days
    assert result.trend == ins.trend(days)
    assert list(result.tag_effects) == ins.tag_effects(days)
    assert list(result.correlations) == ins.correlations(days)
    assert result.flare_up == ins.flare_up(days, d(59))


def test_insights_of_nothing() -> None:
    result = ins.insights([], D0)
    assert result.days == () and result.flare_up is None
    (sleep,) = result.tag_effects  # the low-sleep row is always there
    assert (sleep.kind, sleep.n_with, sleep.n_without, sleep.difference) == (
        "low_sleep",
        0,
        0,
        None,
    )
    assert result.trend.series == () and not result.trend.enough_data
    assert [(c.n, c.rho) for c in result.correlations] == [(0, None), (0, None)]


score = st.one_of(st.none(), st.integers(0, 10).map(float), st.floats(0, 10))
checkin = st.builds(
    CheckIn,
    day=st.integers(0, 60).map(d),
    pain=score,
    stress=score,
    energy=score,
    sleep=score,
    tags=st.frozensets(st.sampled_from("abcde"), max_size=3),
)


@st.composite
def diaries(draw: st.DrawFn) -> list[CheckIn]:
    """Fuller diaries than a plain list of check-ins reaches: up to 90 days at some density,
    1-3 check-ins a day, with the trend windows, flare-up baseline and 5-day sides in reach.
    Values are whole numbers, continuous, or nearly constant (the degenerate tests)."""
    rnd = draw(st.randoms(use_true_random=False))
    span = draw(st.integers(1, 90))
    density = draw(st.floats(0.2, 1.0))
    missing = draw(st.floats(0.0, 0.5))
    style = draw(st.sampled_from(["whole", "continuous", "constant", "two"]))
    odds = draw(st.lists(st.floats(0.0, 1.0), max_size=6))

    def value() -> float | None:
        if rnd.random() < missing:
            return None
        if style == "whole":
            return float(rnd.randint(0, 10))
        if style == "continuous":
            return rnd.uniform(0, 10)
        return 5.0 if style == "constant" else rnd.choice([0.0, 10.0])

    return [
        CheckIn(
            d(n),
            value(),
            value(),
            value(),
            value(),
            frozenset(f"t{k}" for k, p in enumerate(odds) if rnd.random() < p),
        )
        for n in range(span)
        if rnd.random() < density
        for _ in range(rnd.randint(1, 3))
    ]


def check_invariants(checkins: list[CheckIn], today: date, rng: random.Random) -> None:
    result = ins.insights(checkins, today)
    assert list(result.days) == ins.daily(checkins)

    for day in result.days:
        for v in (day.pain, day.stress, day.energy, day.sleep):
            assert v is None or 0 <= v <= 10
    t = result.trend
    for p in t.series:
        assert 0 <= p.pain <= 10 and (p.rolling is None or 0 <= p.rolling <= 10)
    if t.enough_data:
        assert t.n_first >= 5 and t.n_last >= 5
        assert t.first_mean is not None and t.last_mean is not None and t.change is not None
        assert 0 <= t.first_mean <= 10 and 0 <= t.last_mean <= 10
        assert t.first_to is not None and t.last_from is not None and t.first_to < t.last_from
        assert t.meaningful == (
            abs(t.change) >= 2 - 1e-9
            or (t.first_mean > 0 and abs(t.change) >= 0.3 * t.first_mean - 1e-9)
        )
    else:
        assert (t.change, t.meaningful, t.direction) == (None, None, None)

    with_pain = sum(day.pain is not None for day in result.days)
    tags = {tag for day in result.days for tag in day.tags}
    assert {e.tag for e in result.tag_effects if e.kind == "tag"} == tags
    for e in result.tag_effects:
        for m in (e.mean_with, e.mean_without):
            assert m is None or 0 <= m <= 10
        if e.kind == "tag" and e.lag == 0:
            assert e.n_with + e.n_without == with_pain
        if e.ci_low is not None:
            assert e.difference is not None and e.ci_high is not None
            assert e.ci_low <= e.difference <= e.ci_high
        if e.p_value is not None:
            assert 0 <= e.p_value <= 1
        assert e.enough_data == (e.n_with >= ins.MIN_DAYS and e.n_without >= ins.MIN_DAYS)
        assert e.inflation > 0
        if e.clear:
            assert e.enough_data and e.q_value is not None and e.q_value <= ins.FDR
            # a clear pattern's interval leaves out 0 (q <= 5% means p <= 5%), so a sentence
            # never calls a pattern clear beside an interval that says "maybe none"
            assert e.ci_low is not None and e.ci_high is not None
            assert e.ci_low > 0 or e.ci_high < 0
    for c in result.correlations:
        assert c.rho is None or (-1 <= c.rho <= 1 and c.enough_data)
        assert not c.clear or c.rho is not None
    f = result.flare_up
    if f is not None:
        assert f.n_recent >= 2 and f.n_baseline >= 10
        assert f.active == (f.rise >= 2 - 1e-9)

    shuffled = list(checkins)
    rng.shuffle(shuffled)
    assert ins.insights(shuffled, today) == result
    assert ins.insights(sorted(checkins, key=lambda c: c.day), today) == result


@SETTINGS
@given(checkins=st.lists(checkin, max_size=150), today=st.integers(0, 70).map(d), rng=st.randoms())
def test_properties_of_any_checkins(
    checkins: list[CheckIn], today: date, rng: random.Random
) -> None:
    check_invariants(checkins, today, rng)


@SETTINGS
@given(checkins=diaries(), today=st.integers(0, 95).map(d), rng=st.randoms())
def test_properties_of_fuller_diaries(
    checkins: list[CheckIn], today: date, rng: random.Random
) -> None:
    check_invariants(checkins, today, rng)
