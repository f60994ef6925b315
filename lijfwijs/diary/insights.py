"""Diary insights, the pure core: daily values, trend, tag patterns, correlations and flare-ups.

Plain data in, plain data out; no Django import. The Django layer turns these numbers into
sentences ("A pattern, not proof of a cause.") and SVG charts with tables; every number such a
sentence needs is a field here, unrounded. Nothing here diagnoses or predicts.

Rules where the issue is silent (see also each function):

- A day's values are the means of that day's check-ins that have the value; a day without any
  pain value takes part only where pain is not needed (as the "day before" of a next-day pair).
- Sleep is the quality of *last night*, asked in that day's check-in, so pain and sleep of the
  same date belong together: that pairing already means "the day after you slept like that".
- Equality counts at every threshold (a rise of exactly 2 is a flare-up, a change of exactly
  2 points or 30% is meaningful); comparisons allow a 1e-9 tolerance so that means such as
  (6 + 7 + 8) / 3 do not miss an edge by a rounding error.
- The Welch tests treat days as independent. Daily pain is usually autocorrelated, so the
  intervals are somewhat too narrow for tags that come in runs; this is why a clear pattern is
  still called "a pattern, not proof of a cause".
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special, stats  # type: ignore[import-untyped]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

SCALE_MIN, SCALE_MAX = 0.0, 10.0
MEANINGFUL_POINTS = 2.0  # pain NRS, Ostelo 2008 / Farrar 2001 (docs: clinical.md)
MEANINGFUL_FRACTION = 0.30
SAME_BELOW = 0.05  # |change| below this shows as 0.0 at one decimal: direction "same"
ROLLING_DAYS = 7
ROLLING_MIN_VALUES = 4
WINDOW_DAYS = 14  # first and last two weeks of the trend
WINDOW_MIN_VALUES = 5
MIN_DAYS = 5  # per side of a tag comparison before anything is claimed
FDR = 0.05  # Benjamini-Hochberg level for "clear"
LOW_SLEEP = 4.0  # "the days after you slept 4 or less" (sleep quality of last night)
CORRELATION_MIN_DAYS = 10
FLARE_RECENT_DAYS = 3  # today and the two days before
FLARE_RECENT_MIN_VALUES = 2
FLARE_BASELINE_DAYS = 28  # the days before the recent ones
FLARE_BASELINE_MIN_VALUES = 10
FLARE_RISE = 2.0
EPSILON = 1e-9  # tolerance at the edges (see the module docstring)
SE_FLOOR = 1e-9  # a standard error below this means identical values: no test

Direction = Literal["better", "worse", "same"]
EffectKind = Literal["tag", "low_sleep"]
Variable = Literal["sleep", "stress"]


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One check-in as the core sees it; `day` is the person's local date, values are 0-10."""

    day: date
    pain: float | None
    stress: float | None = None
    energy: float | None = None
    sleep: float | None = None
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for name in ("pain", "stress", "energy", "sleep"):
            value = getattr(self, name)
            # `not (a <= v <= b)` also rejects NaN.
            if value is not None and not SCALE_MIN <= value <= SCALE_MAX:
                raise ValueError(f"{name} must be between 0 and 10 or None, not {value!r}")


@dataclass(frozen=True, slots=True)
class Day:
    """One calendar day with check-ins: the mean of each value that day (None when none had it),
    sleep as reported (the mean if reported more than once), the union of the tags."""

    day: date
    pain: float | None
    stress: float | None
    energy: float | None
    sleep: float | None
    tags: frozenset[str]
    checkins: int = 1


@dataclass(frozen=True, slots=True)
class TrendPoint:
    day: date
    pain: float
    rolling: float | None  # mean over the 7 calendar days ending here; None below 4 values


@dataclass(frozen=True, slots=True)
class Trend:
    """Daily pain with its rolling mean, and the last two weeks against the first two.

    The windows are 14 calendar days: the first from the first day with pain, the last ending
    on the last day with pain. The comparison needs at least 5 days with pain in each and
    windows that do not overlap (27 days or more between first and last entry); otherwise
    `enough_data` is False and the comparison fields are None. The counts and window dates are
    given whenever there is any pain at all.
    """

    series: tuple[TrendPoint, ...]
    first_from: date | None
    first_to: date | None
    last_from: date | None
    last_to: date | None
    n_first: int
    n_last: int
    enough_data: bool
    first_mean: float | None
    last_mean: float | None
    change: float | None  # last - first; negative is less pain
    percent_change: float | None  # 100 * change / first_mean; None when first_mean is 0
    meaningful: bool | None  # |change| >= 2 points, or >= 30% of first_mean
    direction: Direction | None  # "better" = less pain; "same" when |change| < 0.05


@dataclass(frozen=True, slots=True)
class TagEffect:
    """Mean pain on days with vs without a tag (lag 0), or on the day after (lag 1).

    kind "low_sleep" is the same comparison for days whose reported sleep (last night) was
    LOW_SLEEP or less against days with more; its `tag` is "" and its lag 0.
    """

    kind: EffectKind
    tag: str
    lag: int
    n_with: int
    n_without: int
    mean_with: float | None
    mean_without: float | None
    difference: float | None  # mean_with - mean_without
    ci_low: float | None  # 95% Welch interval of the difference
    ci_high: float | None
    p_value: float | None
    q_value: float | None  # Benjamini-Hochberg, over all tests with enough data
    enough_data: bool  # both sides >= min_days
    clear: bool  # enough_data and q_value <= fdr


@dataclass(frozen=True, slots=True)
class Correlation:
    """Spearman rank correlation of daily pain with sleep or stress of the same date."""

    variable: Variable
    n: int  # days with both values
    rho: float | None  # None below CORRELATION_MIN_DAYS or when one side never varies
    p_value: float | None
    q_value: float | None  # Benjamini-Hochberg over the correlations that have a p-value
    enough_data: bool
    clear: bool


@dataclass(frozen=True, slots=True)
class FlareUp:
    """The last 3 days' mean pain against the person's own baseline (median of the 28 days
    before them); a flare-up when the mean is 2 or more points above the baseline."""

    today: date
    recent_mean: float
    n_recent: int
    baseline: float
    n_baseline: int
    rise: float  # recent_mean - baseline
    active: bool


@dataclass(frozen=True, slots=True)
class Insights:
    days: tuple[Day, ...]
    trend: Trend
    tag_effects: tuple[TagEffect, ...]
    correlations: tuple[Correlation, ...]
    flare_up: FlareUp | None


# ---------------------------------------------------------------------------------------------
# Daily values


def _mean(values: list[float]) -> float | None:
    # fsum is exact, so a day's mean does not depend on the order of its check-ins.
    return math.fsum(values) / len(values) if values else None


def daily(checkins: Iterable[CheckIn]) -> list[Day]:
    """One Day per date that has check-ins, oldest first."""
    buckets: dict[
        date, tuple[list[float], list[float], list[float], list[float], set[str], list[int]]
    ]
    buckets = {}
    for c in checkins:
        b = buckets.get(c.day)
        if b is None:
            b = buckets[c.day] = ([], [], [], [], set(), [0])
        if c.pain is not None:
            b[0].append(c.pain)
        if c.stress is not None:
            b[1].append(c.stress)
        if c.energy is not None:
            b[2].append(c.energy)
        if c.sleep is not None:
            b[3].append(c.sleep)
        if c.tags:
            b[4].update(c.tags)
        b[5][0] += 1
    return [
        Day(d, _mean(b[0]), _mean(b[1]), _mean(b[2]), _mean(b[3]), frozenset(b[4]), b[5][0])
        for d, b in sorted(buckets.items())
    ]


@dataclass(frozen=True)
class _Data:
    """The days as arrays, built once and shared by the analyses."""

    days: tuple[Day, ...]
    ordinals: npt.NDArray[np.int64]
    pain: FloatArray  # NaN where a day has no pain value
    sleep: FloatArray
    stress: FloatArray
    tags: tuple[str, ...]  # sorted
    has_tag: BoolArray  # days x tags


def _values(days: Sequence[Day], attr: str) -> FloatArray:
    return np.array(
        [np.nan if (v := getattr(d, attr)) is None else v for d in days], dtype=np.float64
    )


def _prepare(days: Iterable[Day]) -> _Data:
    ordered = tuple(sorted(days, key=lambda d: d.day))
    ordinals = np.array([d.day.toordinal() for d in ordered], dtype=np.int64)
    if len(ordinals) > 1 and not np.all(np.diff(ordinals) > 0):
        raise ValueError("days must have one Day per date")
    tags = tuple(sorted({t for d in ordered for t in d.tags}))
    index = {t: i for i, t in enumerate(tags)}
    rows = [i for i, d in enumerate(ordered) for _ in d.tags]
    cols = [index[t] for d in ordered for t in d.tags]
    has_tag = np.zeros((len(ordered), len(tags)), dtype=np.bool_)
    has_tag[rows, cols] = True
    return _Data(
        days=ordered,
        ordinals=ordinals,
        pain=_values(ordered, "pain"),
        sleep=_values(ordered, "sleep"),
        stress=_values(ordered, "stress"),
        tags=tags,
        has_tag=has_tag,
    )


def _float(x: float | np.floating | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


# ---------------------------------------------------------------------------------------------
# Trend


def trend(days: Iterable[Day]) -> Trend:
    """Daily pain, its rolling 7-day mean, and the last two weeks against the first two."""
    return _trend(_prepare(days))


def _trend(data: _Data) -> Trend:
    known = ~np.isnan(data.pain)
    ords = data.ordinals[known]
    pain = data.pain[known]
    pain_days = [d for d, k in zip(data.days, known, strict=True) if k]
    if len(ords) == 0:
        return Trend((), None, None, None, None, 0, 0, False, *([None] * 6))

    # Rolling mean on a calendar grid: a direct 7-wide convolution sums each window afresh
    # (no running sum that drifts), so a mean of values <= 10 stays <= 10.
    first, last = int(ords[0]), int(ords[-1])
    grid = np.zeros(last - first + 1)
    count = np.zeros(last - first + 1)
    grid[ords - first] = pain
    count[ords - first] = 1.0
    kernel = np.ones(ROLLING_DAYS)
    sums = np.convolve(grid, kernel)[: len(grid)][ords - first]
    counts = np.convolve(count, kernel)[: len(grid)][ords - first]
    series = tuple(
        TrendPoint(d.day, float(p), float(s / n) if n >= ROLLING_MIN_VALUES else None)
        for d, p, s, n in zip(pain_days, pain.tolist(), sums.tolist(), counts.tolist(), strict=True)
    )

    span = WINDOW_DAYS - 1
    first_vals = pain[ords <= first + span].tolist()
    last_vals = pain[ords >= last - span].tolist()
    n_first, n_last = len(first_vals), len(last_vals)
    day0, day1 = date.fromordinal(first), date.fromordinal(last)
    windows = (day0, day0 + timedelta(span), day1 - timedelta(span), day1)
    enough = (
        n_first >= WINDOW_MIN_VALUES and n_last >= WINDOW_MIN_VALUES and last - span > first + span
    )
    if not enough:
        return Trend(series, *windows, n_first, n_last, False, *([None] * 6))

    first_mean = math.fsum(first_vals) / n_first
    last_mean = math.fsum(last_vals) / n_last
    change = last_mean - first_mean
    percent = 100.0 * change / first_mean if first_mean > 0 else None
    meaningful = abs(change) >= MEANINGFUL_POINTS - EPSILON or (
        first_mean > 0 and abs(change) >= MEANINGFUL_FRACTION * first_mean - EPSILON
    )
    direction: Direction = (
        "same" if abs(change) < SAME_BELOW else ("better" if change < 0 else "worse")
    )
    return Trend(
        series,
        *windows,
        n_first,
        n_last,
        True,
        first_mean,
        last_mean,
        change,
        percent,
        meaningful,
        direction,
    )


# ---------------------------------------------------------------------------------------------
# Tag effects (Welch, Benjamini-Hochberg)


@dataclass(frozen=True)
class _Welch:
    n_with: npt.NDArray[np.int64]
    n_without: npt.NDArray[np.int64]
    mean_with: FloatArray
    mean_without: FloatArray
    difference: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    p_value: FloatArray


def _welch(y: FloatArray, exposed: BoolArray, level: float = 0.95) -> _Welch:
    """Welch's unequal-variance t test of y[exposed[:, j]] against y[~exposed[:, j]] for every
    column j at once. NaN where a side has no value (means) or fewer than two (test)."""
    w = exposed.astype(np.float64)
    u = 1.0 - w
    n1 = w.sum(axis=0)
    n0 = u.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        m1 = (y @ w) / n1
        m0 = (y @ u) / n0
        # Two-pass variances: accurate when the values hardly vary.
        v1 = (np.square(y[:, None] - m1) * w).sum(axis=0) / (n1 - 1)
        v0 = (np.square(y[:, None] - m0) * u).sum(axis=0) / (n0 - 1)
        a = v1 / n1
        b = v0 / n0
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n0 - 1))
        diff = m1 - m0
        testable = (n1 >= 2) & (n0 >= 2) & (se > SE_FLOOR)
        se = np.where(testable, se, np.nan)
        df = np.where(testable, df, np.nan)
        t = diff / se
        p = np.minimum(2.0 * special.stdtr(df, -np.abs(t)), 1.0)
        half = special.stdtrit(df, 0.5 + level / 2) * se
    return _Welch(
        n1.astype(np.int64), n0.astype(np.int64), m1, m0, diff, diff - half, diff + half, p
    )


def _bh(p_values: Sequence[float]) -> list[float]:
    if not p_values:
        return []
    return [float(q) for q in stats.false_discovery_control(np.array(p_values), method="bh")]


def _tag_effects(
    data: _Data, min_days: int, fdr: float, low_sleep: float | None
) -> list[TagEffect]:
    has_pain = ~np.isnan(data.pain)
    # Lag 1: pairs of consecutive calendar days, the second with pain; the first must be a day
    # with check-ins (otherwise whether it had the tag is unknown).
    nxt = np.flatnonzero((np.diff(data.ordinals) == 1) & has_pain[1:])
    groups: list[tuple[EffectKind, Sequence[str], int, _Welch]] = [
        ("tag", data.tags, 0, _welch(data.pain[has_pain], data.has_tag[has_pain])),
        ("tag", data.tags, 1, _welch(data.pain[nxt + 1], data.has_tag[nxt])),
    ]
    if low_sleep is not None:
        rows = has_pain & ~np.isnan(data.sleep)
        low = (data.sleep[rows] <= low_sleep + EPSILON)[:, None]
        groups.append(("low_sleep", ("",), 0, _welch(data.pain[rows], low)))

    raw: list[tuple[EffectKind, str, int, list[float | None], int, int, bool]] = []
    for kind, names, lag, w in groups:
        for j, name in enumerate(names):
            n1, n0 = int(w.n_with[j]), int(w.n_without[j])
            values = [
                _float(arr[j])
                for arr in (
                    w.mean_with,
                    w.mean_without,
                    w.difference,
                    w.ci_low,
                    w.ci_high,
                    w.p_value,
                )
            ]
            enough = n1 >= min_days and n0 >= min_days
            raw.append((kind, name, lag, values, n1, n0, enough))

    tested = [i for i, r in enumerate(raw) if r[6] and r[3][5] is not None]
    q_of = dict(zip(tested, _bh([raw[i][3][5] or 0.0 for i in tested]), strict=True))
    effects = []
    for i, (kind, name, lag, v, n1, n0, enough) in enumerate(raw):
        q = q_of.get(i)
        effects.append(
            TagEffect(
                kind=kind,
                tag=name,
                lag=lag,
                n_with=n1,
                n_without=n0,
                mean_with=v[0],
                mean_without=v[1],
                difference=v[2],
                ci_low=v[3],
                ci_high=v[4],
                p_value=v[5],
                q_value=q,
                enough_data=enough,
                clear=q is not None and q <= fdr,
            )
        )
    order = {"tag": 0, "low_sleep": 1}
    effects.sort(key=lambda e: (order[e.kind], e.tag, e.lag))
    return effects


def tag_effects(
    days: Iterable[Day],
    min_days: int = MIN_DAYS,
    fdr: float = FDR,
    low_sleep: float | None = LOW_SLEEP,
) -> list[TagEffect]:
    """Every tag seen, at lag 0 (pain the same day) and lag 1 (pain the next calendar day,
    against the day after a day without the tag), plus the low-sleep comparison (pain on days
    whose reported sleep was `low_sleep` or less against the other days with a sleep value;
    None leaves it out). Days without pain are left out as outcomes.

    `clear` needs both sides >= min_days and a Benjamini-Hochberg q <= fdr, taken over all
    these tests that have enough data (and a defined p: identical values on both sides give
    none). Sorted: tags by name and lag, then the low-sleep comparison.
    """
    return _tag_effects(_prepare(days), min_days, fdr, low_sleep)


# ---------------------------------------------------------------------------------------------
# Correlations


def correlations(days: Iterable[Day], fdr: float = FDR) -> list[Correlation]:
    """Spearman's rho of daily pain with sleep and with stress (same date: the sleep value is
    last night's, so this pairs a night with the day after it). `clear` is q <= fdr after
    Benjamini-Hochberg over these correlations; rho needs at least 10 days with both values."""
    return _correlations(_prepare(days), fdr)


def _correlations(data: _Data, fdr: float) -> list[Correlation]:
    found: list[tuple[Variable, int, float | None, float | None]] = []
    pairs: tuple[tuple[Variable, FloatArray], ...] = (
        ("sleep", data.sleep),
        ("stress", data.stress),
    )
    for variable, values in pairs:
        both = ~np.isnan(data.pain) & ~np.isnan(values)
        n = int(both.sum())
        rho = p = None
        x, y = data.pain[both], values[both]
        # A side that never varies has no ranks to correlate (and would make scipy warn).
        if n >= CORRELATION_MIN_DAYS and np.ptp(x) > 0 and np.ptp(y) > 0:
            result = stats.spearmanr(x, y)
            rho, p = _float(result.statistic), _float(result.pvalue)
        found.append((variable, n, rho, p))
    tested = [i for i, f in enumerate(found) if f[3] is not None]
    q_of = dict(zip(tested, _bh([found[i][3] or 0.0 for i in tested]), strict=True))
    return [
        Correlation(
            variable=variable,
            n=n,
            rho=rho,
            p_value=p,
            q_value=q_of.get(i),
            enough_data=n >= CORRELATION_MIN_DAYS,
            clear=(q := q_of.get(i)) is not None and q <= fdr,
        )
        for i, (variable, n, rho, p) in enumerate(found)
    ]


# ---------------------------------------------------------------------------------------------
# Flare-up


def flare_up(days: Iterable[Day], today: date) -> FlareUp | None:
    """The mean pain of today and the two days before (>= 2 days with pain) against the median
    daily pain of the 28 days before those (>= 10 days with pain); None without enough data.
    A flare-up when the mean is 2 or more points above that baseline."""
    return _flare_up(_prepare(days), today)


def _flare_up(data: _Data, today: date) -> FlareUp | None:
    known = ~np.isnan(data.pain)
    ords = data.ordinals[known].tolist()
    pain = data.pain[known].tolist()
    t = today.toordinal()
    start = t - FLARE_RECENT_DAYS + 1
    recent = pain[bisect_left(ords, start) : bisect_right(ords, t)]
    base = pain[bisect_left(ords, start - FLARE_BASELINE_DAYS) : bisect_left(ords, start)]
    if len(recent) < FLARE_RECENT_MIN_VALUES or len(base) < FLARE_BASELINE_MIN_VALUES:
        return None
    recent_mean = math.fsum(recent) / len(recent)
    baseline = float(statistics.median(base))
    rise = recent_mean - baseline
    return FlareUp(
        today=today,
        recent_mean=recent_mean,
        n_recent=len(recent),
        baseline=baseline,
        n_baseline=len(base),
        rise=rise,
        active=rise >= FLARE_RISE - EPSILON,
    )


# ---------------------------------------------------------------------------------------------
# Everything at once


def insights(
    checkins: Iterable[CheckIn],
    today: date,
    min_days: int = MIN_DAYS,
    fdr: float = FDR,
) -> Insights:
    """All insights of one person: the days are aggregated and turned into arrays once."""
    data = _prepare(daily(checkins))
    return Insights(
        days=data.days,
        trend=_trend(data),
        tag_effects=tuple(_tag_effects(data, min_days, fdr, LOW_SLEEP)),
        correlations=tuple(_correlations(data, fdr)),
        flare_up=_flare_up(data, today),
    )
