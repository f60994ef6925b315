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
- Pain drifts and tags come in runs, so days are not independent evidence. Every tag
  comparison and correlation is therefore a circular-shift test: the tag series is shifted
  against the pain series by every offset, which keeps both series' own day-to-day
  structure, and the spread over the shifts says what "no link" looks like (see
  "Autocorrelation" below; with no carry-over in pain the difference is the plain
  mean_with - mean_without). Nothing in it is random: the same diary gives the same answer.
  A clear pattern is still "a pattern, not proof of a cause": a tag can go with something
  else that raises pain.
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import fft, special, stats  # type: ignore[import-untyped]

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
    """Pain on days with vs without a tag (lag 0), or on the day after (lag 1).

    kind "low_sleep" is the same comparison for days whose reported sleep (last night) was
    LOW_SLEEP or less against days with more; its `tag` is "" and its lag 0.

    With the default method ("shift", see "Autocorrelation"): `difference` is the difference
    in pain after allowing for day-to-day carry-over, i.e. each run of the tag weighed against
    the days around it. It equals mean_with - mean_without when pain does not carry over from
    day to day (lag-1 correlation 0 or below), and estimates the same thing otherwise, with
    less noise from the drift. The interval and p-value belong to that difference, so a clear
    pattern's interval never contains 0.
    """

    kind: EffectKind
    tag: str
    lag: int
    n_with: int
    n_without: int
    mean_with: float | None  # plain means of the days compared
    mean_without: float | None
    difference: float | None  # drift-adjusted (see above); Welch/Bartlett: mean_with - mean_without
    ci_low: float | None  # 95% interval of the difference (shift test: t with its df)
    ci_high: float | None
    p_value: float | None  # shift test (see "Autocorrelation"); None when it cannot be tested
    q_value: float | None  # Benjamini-Hochberg, over all tests with enough data
    enough_data: bool  # both sides >= min_days
    clear: bool  # enough_data and q_value <= fdr
    # The difference's variance relative to plain Welch's for these days (1.0: as wide).
    # Above 1 where drift and runs make the days count for less; it can be below 1 where
    # allowing for the drift makes the estimate more precise than the raw difference.
    inflation: float


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
    # The rank statistic's variance over the shifts relative to independent days' (Bartlett:
    # the days count as n / inflation independent ones); 1.0 without a test.
    inflation: float


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


def _value(v: float | None) -> float | None:
    return None if v is None else float(v)


def daily(checkins: Iterable[CheckIn]) -> list[Day]:
    """One Day per date that has check-ins, oldest first."""
    groups: dict[date, list[CheckIn]] = {}
    for c in checkins:
        group = groups.get(c.day)
        if group is None:
            groups[c.day] = [c]
        else:
            group.append(c)
    days = []
    for day in sorted(groups):
        group = groups[day]
        if len(group) == 1:  # most days: the values as they are (as floats, like a mean)
            c = group[0]
            days.append(
                Day(
                    day,
                    _value(c.pain),
                    _value(c.stress),
                    _value(c.energy),
                    _value(c.sleep),
                    frozenset(c.tags),
                    1,
                )
            )
            continue
        days.append(
            Day(
                day,
                _mean([c.pain for c in group if c.pain is not None]),
                _mean([c.stress for c in group if c.stress is not None]),
                _mean([c.energy for c in group if c.energy is not None]),
                _mean([c.sleep for c in group if c.sleep is not None]),
                frozenset().union(*[c.tags for c in group]),
                len(group),
            )
        )
    return days


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
    width = len(tags)
    cells = [i * width + index[t] for i, d in enumerate(ordered) for t in d.tags]
    flat = np.zeros(len(ordered) * width, dtype=np.bool_)
    flat[cells] = True
    return _Data(
        days=ordered,
        ordinals=ordinals,
        pain=_values(ordered, "pain"),
        sleep=_values(ordered, "sleep"),
        stress=_values(ordered, "stress"),
        tags=tags,
        has_tag=flat.reshape(len(ordered), width),
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
# Autocorrelation

# Pain drifts from day to day (a bad week, a good month) and tags come in runs (a busy month at
# work). The days are then not independent, and a test that takes each day as new evidence
# calls a "clear" pattern far too often: in simulated 90-day diaries of pure noise (pain a
# drift, AR(1) with phi 0.8, with or without day-to-day noise on top; 8 tags switching on and
# off in runs of 4-7 days; bench/insights_sim.py) plain Welch did so in 55-72% of diaries.
#
# Until 2026-12 the Welch variance was widened by Bartlett's factor for two AR(1) series
# (Bretherton et al. 1999, J. Climate 12:1990), (1 + r) / (1 - r) with r the product of the
# two estimated lag-1 autocorrelations. At 90 days that under-corrects: pain that is drift plus
# day noise is not AR(1) (its lag-1 correlation understates how long the drift lasts) and a
# lag-1 estimate from 90 days is biased low, so 6.8% of such pure-noise diaries still got a
# clear pattern (1.5 times the nominal rate per test), against the 5% aimed at. It is kept as
# method="bartlett" for comparison.
#
# Now (method="shift", the default) every comparison is a circular-shift test:
#
# 1. The statistic is the difference in pain between days with and without the tag after
#    allowing for carry-over: pain and tag series are both filtered with
#    y[t] - phi**gap * y[t-1] (Prais-Winsten; phi the lag-1 autocorrelation of daily pain
#    over consecutive calendar days, floored at 0; gap the days between two rows; each row
#    scaled to the same variance), and the difference is the tag's coefficient in a
#    regression of filtered pain on the filtered tag and the filtered constant (generalised
#    least squares for AR(1) drift). With phi 0 this is exactly mean_with - mean_without;
#    with drift it weighs each run of the tag against the days around it, which is what
#    gives the test its power on a diary that wanders.
# 2. Its standard error under "no link" is the spread of that statistic when the tag series
#    is shifted circularly against the residual pain series by every offset: both keep their
#    own day-to-day structure, whatever it is (no model is assumed for it). All n shifts are
#    summed at once through the FFT (Parseval: the variance over the shifts is a sum over the
#    frequencies of the two periodograms' product), so it costs two FFTs per group of tests.
# 3. The p-value is read from a t distribution whose degrees of freedom say how many
#    independent pieces of evidence that spread rests on (Satterthwaite over the frequencies,
#    with a smoothed periodogram for the expected shares: a tag that comes in a few long runs
#    gives few). The residuals lack the piece the tag's coefficient took out, so the variance
#    is scaled by df / (df - 1) and one degree of freedom taken off.
#    A count of the shifts at least as extreme would be the exact permutation p-value, but a
#    90-day diary has only 90 shifts, so it could never go below about 0.01, while
#    Benjamini-Hochberg over 17 or more tests needs 0.003 or less for a single finding: no tag
#    could ever be clear.
# 4. Correlations (pain with sleep or stress) get the same test on their ranks, without the
#    filter: Spearman's rho is what is shown, and the test is of rho itself.
#
# Nothing is random, so the same diary always gives the same answer (and the cache stays
# consistent). Simulated over 1,000 diaries per figure (bench/insights_sim.py, 90 days):
# pure-noise diaries get a clear pattern in 5.4% +/- 0.7 (drift) and 3.8% +/- 0.6 (drift and
# day noise), Bartlett 3.5% and 6.8%; per test, p <= 0.05 in 4.8% of null tests (Bartlett
# 7.3%). A tag that adds 2 points on its days is found in 96% and 73% of diaries (Bartlett 53%
# and 54%). The test's own assumption: a stretch of diary is like any other (stationary) apart
# from what the tags do; a trend over the months is drift to it, and counts as such.
LAG1_MIN_PAIRS = 10  # fewer pairs of consecutive days: no estimate, autocorrelation 0
MAX_AUTOCORRELATION = 0.95  # caps Bartlett's factor at 39, and the filter's phi

Method = Literal["shift", "bartlett", "plain"]


def _lag1(values: FloatArray, ordinals: npt.NDArray[np.int64]) -> FloatArray:
    """Lag-1 autocorrelation of each column over pairs of consecutive calendar days where both
    values are known (NaN = unknown); floored at 0, and 0 where it cannot be estimated."""
    i = np.flatnonzero(np.diff(ordinals) == 1)
    a, b = values[i], values[i + 1]
    ok = ~np.isnan(a) & ~np.isnan(b)
    n = ok.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(ok, a, 0.0)
        b = np.where(ok, b, 0.0)
        da = np.where(ok, a - a.sum(axis=0) / n, 0.0)
        db = np.where(ok, b - b.sum(axis=0) / n, 0.0)
        r = (da * db).sum(axis=0) / np.sqrt((da * da).sum(axis=0) * (db * db).sum(axis=0))
    r = np.where((n >= LAG1_MIN_PAIRS) & np.isfinite(r), r, 0.0)
    return np.clip(r, 0.0, 1.0)


def _inflation(rho_y: float, rho_x: FloatArray) -> FloatArray:
    """Bartlett's variance factor (method "bartlett" only)."""
    r = np.minimum(rho_y * rho_x, MAX_AUTOCORRELATION)
    return (1.0 + r) / (1.0 - r)


DF_SMOOTH = 3  # neighbouring frequencies on each side whose periodogram values are averaged


def _smooth(values: FloatArray, half: int) -> FloatArray:
    """Moving average over 2 * half + 1 columns (the last axis), mirrored at both ends."""
    half = min(half, values.shape[-1] - 1)
    if half <= 0:
        return values
    padded = np.concatenate([values[:, half:0:-1], values, values[:, -2 : -half - 2 : -1]], axis=-1)
    sums = np.cumsum(padded, axis=-1)
    sums = np.concatenate([np.zeros((len(values), 1)), sums], axis=-1)
    return (sums[:, 2 * half + 1 :] - sums[:, : -2 * half - 1]) / (2 * half + 1)


def _power(z: npt.NDArray[np.complex128]) -> FloatArray:
    """|z|^2 without the square root of abs()."""
    return np.square(z.real) + np.square(z.imag)


def _shift_variance(w2: FloatArray, e2: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """For each row j: the variance over all circular shifts k of
    sum_t weights[j, t] * residuals[j, (t + k) % n], given the squared magnitudes of the real
    discrete Fourier transforms (rfft, last axis) of weights (w2) and residuals (e2), and the
    degrees of freedom of that estimate.

    By Parseval the variance is the sum over the non-zero frequencies f of
    |W_f|^2 |E_f|^2 / n^2. Each frequency's periodogram value |E_f|^2 is roughly its spectrum
    times an independent chi-square with 2 degrees of freedom (1 at n/2), so by Satterthwaite
    the estimate has (sum a)^2 / sum(a^2 / nu) of them, a_f being the frequencies' expected
    shares. Those are taken from a smoothed periodogram (DF_SMOOTH): with the raw one the
    count comes out about half what it is, and the test loses power for nothing."""
    nu = np.full(w2.shape[-1], 2.0)
    nu[0] = 0.0  # the mean: not a shift's doing
    if n % 2 == 0:
        nu[-1] = 1.0
    # a frequency below n/2 stands for itself and its mirror n - f, hence the factor nu
    variance = (nu * w2 * e2).sum(axis=-1) / (n * n)
    expected = nu[1:] * w2[:, 1:] * _smooth(e2[:, 1:], DF_SMOOTH)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.square(expected.sum(axis=-1)) / (np.square(expected) / nu[1:]).sum(axis=-1)
    return variance, df


# ---------------------------------------------------------------------------------------------
# Tag effects (circular-shift test, Benjamini-Hochberg)


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
    inflation: FloatArray
    variance: FloatArray  # plain Welch's variance of the difference (no factor)


def _welch(y: FloatArray, exposed: BoolArray, inflation: FloatArray, level: float = 0.95) -> _Welch:
    """Welch's unequal-variance t test of y[exposed[:, j]] against y[~exposed[:, j]] for every
    column j at once, its variance multiplied and its degrees of freedom divided by
    inflation[j]. NaN where a side has no value (means) or fewer than two (test)."""
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
        se = np.where(testable, se * np.sqrt(inflation), np.nan)
        df = np.where(testable, np.maximum(df / inflation, 1.0), np.nan)
        t = diff / se
        p = np.minimum(2.0 * special.stdtr(df, -np.abs(t)), 1.0)
        half = special.stdtrit(df, 0.5 + level / 2) * se
    return _Welch(
        n1.astype(np.int64),
        n0.astype(np.int64),
        m1,
        m0,
        diff,
        diff - half,
        diff + half,
        p,
        inflation,
        a + b,
    )


def _shift_test(
    y: FloatArray,
    exposed: BoolArray,
    gaps: npt.NDArray[np.int64],
    phi: float,
    level: float = 0.95,
) -> _Welch:
    """The circular-shift test of y against every column of `exposed` (see "Autocorrelation"):
    the drift-adjusted difference, its interval and p-value; the means and counts are the
    plain ones. `gaps[t]` is the number of calendar days from row t - 1 to row t (gaps[0] is
    unused). `inflation` is the variance of the difference relative to plain Welch's."""
    plain = _welch(y, exposed, np.ones(exposed.shape[1]))
    n = len(y)
    if n < 4:  # fewer than two days on a side: no test either way
        return plain
    x = exposed.T.astype(np.float64)  # one row per tag: the FFTs run along rows
    # Prais-Winsten: row t minus phi^gap times row t - 1 (nothing before row 0), scaled so
    # that every row has the same variance under AR(1) drift: by
    # sqrt((1 - phi^2) / (1 - phi^(2 gap))), which is 1 for consecutive days and
    # sqrt(1 - phi^2) for row 0. phi = 0 leaves everything as it is.
    carry = np.zeros(n)
    carry[1:] = phi ** gaps[1:].astype(np.float64)
    scale = np.sqrt((1.0 - phi * phi) / (1.0 - np.square(carry)))
    const = scale * (1.0 - carry)  # the filtered constant
    yf = y.copy()
    yf[1:] -= carry[1:] * y[:-1]
    yf *= scale
    xf = x.copy()
    xf[:, 1:] -= carry[1:] * x[:, :-1]
    xf *= scale
    with np.errstate(divide="ignore", invalid="ignore"):
        # The tag's coefficient with the constant partialled out.
        cc = const @ const
        xr = xf - np.outer((xf @ const) / cc, const)
        yr = yf - const * (const @ yf) / cc
        sxx = np.square(xr).sum(axis=1)
        # with phi 0 the coefficient is mean_with - mean_without: take it as Welch summed it
        diff = plain.difference if phi == 0.0 else (xr @ yr) / sxx
        # weights xr / sxx give the difference as weights . yr; the residuals are
        # yr - diff * xr, so both transforms come from those of xr and yr.
        x_hat = fft.rfft(xr, axis=-1)
        e_hat = fft.rfft(yr) - diff[:, None] * x_hat
        variance, df = _shift_variance(_power(x_hat) / np.square(sxx)[:, None], _power(e_hat), n)
        # The residuals lack what the tag's own coefficient took out, about one of the df
        # independent pieces: without this the test is too eager (simulated: 1.3 times the
        # nominal rate at p 0.003), with it on target (bench/insights_sim.py).
        variance = variance * df / np.maximum(df - 1.0, 0.5)
        df = df - 1.0
        se = np.sqrt(variance)
        testable = np.isfinite(plain.p_value) & (sxx > SE_FLOOR) & (se > SE_FLOOR) & np.isfinite(df)
        se = np.where(testable, se, np.nan)
        df = np.where(testable, np.maximum(df, 1.0), np.nan)
        p = np.minimum(2.0 * special.stdtr(df, -np.abs(diff / se)), 1.0)
        half = special.stdtrit(df, 0.5 + level / 2) * se
        inflation = np.where(testable, variance / plain.variance, 1.0)
    diff = np.where(np.isfinite(diff), diff, plain.difference)
    return replace(
        plain,
        difference=diff,
        ci_low=diff - half,
        ci_high=diff + half,
        p_value=p,
        inflation=inflation,
    )


def _bh(p_values: Sequence[float]) -> list[float]:
    if not p_values:
        return []
    return [float(q) for q in stats.false_discovery_control(np.array(p_values), method="bh")]


def _compare(
    method: Method,
    y: FloatArray,
    exposed: BoolArray,
    rows: npt.NDArray[np.int64],
    data: _Data,
    rho_pain: float,
    rho_exposed: FloatArray,
) -> _Welch:
    """One group of comparisons by `method`; `rows` are the indices of the days whose calendar
    order the rows of y follow (the outcome days)."""
    if method == "shift":
        gaps = np.zeros(len(rows), dtype=np.int64)
        gaps[1:] = np.diff(data.ordinals[rows])
        return _shift_test(y, exposed, gaps, rho_pain)
    if method == "bartlett":
        return _welch(y, exposed, _inflation(rho_pain, rho_exposed))
    return _welch(y, exposed, np.ones(exposed.shape[1]))


def _tag_effects(
    data: _Data, min_days: int, fdr: float, low_sleep: float | None, method: Method
) -> list[TagEffect]:
    if method not in ("shift", "bartlett", "plain"):
        raise ValueError(f"unknown method {method!r}")
    has_pain = ~np.isnan(data.pain)
    rho_pain = min(float(_lag1(data.pain[:, None], data.ordinals)[0]), MAX_AUTOCORRELATION)
    rho_tags = (
        _lag1(data.has_tag.astype(np.float64), data.ordinals)
        if method == "bartlett"
        else np.zeros(len(data.tags))
    )
    # Lag 1: pairs of consecutive calendar days, the second with pain; the first must be a day
    # with check-ins (otherwise whether it had the tag is unknown).
    same = np.flatnonzero(has_pain)
    nxt = np.flatnonzero((np.diff(data.ordinals) == 1) & has_pain[1:])
    groups: list[tuple[EffectKind, Sequence[str], int, _Welch]] = [
        (
            "tag",
            data.tags,
            0,
            _compare(method, data.pain[same], data.has_tag[same], same, data, rho_pain, rho_tags),
        ),
        (
            "tag",
            data.tags,
            1,
            _compare(
                method, data.pain[nxt + 1], data.has_tag[nxt], nxt + 1, data, rho_pain, rho_tags
            ),
        ),
    ]
    if low_sleep is not None:
        is_low = np.where(np.isnan(data.sleep), np.nan, data.sleep <= low_sleep + EPSILON)
        rho_low = _lag1(is_low[:, None], data.ordinals) if method == "bartlett" else np.zeros(1)
        rows = np.flatnonzero(has_pain & ~np.isnan(data.sleep))
        low = is_low[rows][:, None] == 1.0
        groups.append(
            (
                "low_sleep",
                ("",),
                0,
                _compare(method, data.pain[rows], low, rows, data, rho_pain, rho_low),
            )
        )

    # Benjamini-Hochberg over every test with enough data and a p-value, before the records
    # are made (each is made once).
    n_with = np.concatenate([w.n_with for _, _, _, w in groups])
    n_without = np.concatenate([w.n_without for _, _, _, w in groups])
    p_values = np.concatenate([w.p_value for _, _, _, w in groups])
    enough = (n_with >= min_days) & (n_without >= min_days)
    tested = np.flatnonzero(enough & ~np.isnan(p_values))
    q_values: list[float | None] = [None] * len(p_values)
    for i, q in zip(tested.tolist(), _bh(p_values[tested].tolist()), strict=True):
        q_values[i] = q
    effects: list[TagEffect] = []
    for kind, names, lag, w in groups:
        for j, name in enumerate(names):
            q = q_values[len(effects)]
            effects.append(
                TagEffect(
                    kind=kind,
                    tag=name,
                    lag=lag,
                    n_with=int(w.n_with[j]),
                    n_without=int(w.n_without[j]),
                    mean_with=_float(w.mean_with[j]),
                    mean_without=_float(w.mean_without[j]),
                    difference=_float(w.difference[j]),
                    ci_low=_float(w.ci_low[j]),
                    ci_high=_float(w.ci_high[j]),
                    p_value=_float(w.p_value[j]),
                    q_value=q,
                    enough_data=bool(enough[len(effects)]),
                    clear=q is not None and q <= fdr,
                    inflation=float(w.inflation[j]),
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
    method: Method = "shift",
) -> list[TagEffect]:
    """Every tag seen, at lag 0 (pain the same day) and lag 1 (pain the next calendar day,
    against the day after a day without the tag), plus the low-sleep comparison (pain on days
    whose reported sleep was `low_sleep` or less against the other days with a sleep value;
    None leaves it out). Days without pain are left out as outcomes.

    `method` "shift" (the default): the circular-shift test of "Autocorrelation" above; the
    difference allows for day-to-day carry-over (it is mean_with - mean_without when pain
    does not carry over). "bartlett": the earlier Welch test widened by Bartlett's factor,
    kept for comparison (bench/insights_sim.py). "plain": Welch as if days were independent.
    `clear` needs both sides >= min_days and a Benjamini-Hochberg q <= fdr, taken over all
    these tests that have enough data and a p-value (identical values on both sides give
    none). Sorted: tags by name and lag, then the low-sleep comparison.
    """
    return _tag_effects(_prepare(days), min_days, fdr, low_sleep, method)


# ---------------------------------------------------------------------------------------------
# Correlations


def correlations(
    days: Iterable[Day], fdr: float = FDR, method: Method = "shift"
) -> list[Correlation]:
    """Spearman's rho of daily pain with sleep and with stress (same date: the sleep value is
    last night's, so this pairs a night with the day after it). rho needs at least 10 days
    with both values and some variation on both sides. `clear` is q <= fdr after
    Benjamini-Hochberg over these correlations.

    The p-value by `method`: "shift" (the default), the circular-shift test of the ranks (see
    "Autocorrelation"; no filtering, the ranks' own correlation is what is tested);
    "bartlett", scipy's t with n - 2 degrees of freedom where n is replaced by n / inflation
    (Bartlett's factor, as the tags had it before); "plain", scipy's as it is."""
    return _correlations(_prepare(days), fdr, method)


def _rank_shift_test(x: FloatArray, y: FloatArray) -> tuple[float, float | None, float]:
    """Spearman's rho of x and y (both must vary) with the circular-shift test of it: rho,
    the p-value (None when it cannot be tested) and the variance factor against independent
    days."""
    n = len(x)
    a = stats.rankdata(x)
    b = stats.rankdata(y)
    a -= a.mean()
    b -= b.mean()
    saa, sbb = float(a @ a), float(b @ b)
    rho = min(max(float(a @ b) / math.sqrt(saa * sbb), -1.0), 1.0)  # Pearson's r of the ranks
    slope = float(a @ b) / saa  # zero exactly when rho is
    a_hat = fft.rfft(a)[None, :]
    b_hat = fft.rfft(b)[None, :]
    w2 = _power(a_hat) / (saa * saa)
    variance, df = _shift_variance(w2, _power(b_hat - slope * a_hat), n)
    v, k = float(variance[0]), float(df[0])
    if v > 0 and math.isfinite(k):
        v *= k / max(k - 1.0, 0.5)  # as for the tags: what the slope took out
    else:
        # The ranks agree perfectly (no residual spread): the spread of the ranks themselves
        # over the shifts, which is what "no link" would give.
        variance, df = _shift_variance(w2, _power(b_hat), n)
        v, k = float(variance[0]), float(df[0]) + 1.0
        if not (v > 0 and math.isfinite(k)):
            return rho, None, 1.0
    p = float(min(2.0 * special.stdtr(max(k - 1.0, 1.0), -abs(slope) / math.sqrt(v)), 1.0))
    return rho, p, v * saa * n / sbb  # independent days: variance sbb / (n saa)


def _correlations(data: _Data, fdr: float, method: Method) -> list[Correlation]:
    if method not in ("shift", "bartlett", "plain"):
        raise ValueError(f"unknown method {method!r}")
    pairs: tuple[tuple[Variable, FloatArray], ...] = (
        ("sleep", data.sleep),
        ("stress", data.stress),
    )
    rho_pain = float(_lag1(data.pain[:, None], data.ordinals)[0])
    found: list[Correlation] = []
    for variable, values in pairs:
        both = ~np.isnan(data.pain) & ~np.isnan(values)
        n = int(both.sum())
        rho = p = None
        inflation = 1.0
        x, y = data.pain[both], values[both]
        # A side that never varies has no ranks to correlate (and would make scipy warn).
        if n >= CORRELATION_MIN_DAYS and np.ptp(x) > 0 and np.ptp(y) > 0:
            if method == "shift":
                rho, p, inflation = _rank_shift_test(x, y)
            else:
                rho = float(stats.spearmanr(x, y).statistic)
                if method == "bartlett":
                    rho_other = _lag1(values[:, None], data.ordinals)
                    inflation = float(_inflation(rho_pain, rho_other)[0])
                df = max(n / inflation - 2.0, 1.0)
                if rho * rho >= 1.0:
                    p = 0.0
                else:
                    t = abs(rho) * math.sqrt(df / (1.0 - rho * rho))
                    p = float(2.0 * special.stdtr(df, -t))
        found.append(
            Correlation(
                variable=variable,
                n=n,
                rho=rho,
                p_value=p,
                q_value=None,
                enough_data=n >= CORRELATION_MIN_DAYS,
                clear=False,
                inflation=inflation,
            )
        )
    tested = [i for i, c in enumerate(found) if c.p_value is not None]
    for i, q in zip(tested, _bh([found[i].p_value or 0.0 for i in tested]), strict=True):
        found[i] = replace(found[i], q_value=q, clear=q <= fdr)
    return found


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
    method: Method = "shift",
) -> Insights:
    """All insights of one person: the days are aggregated and turned into arrays once."""
    data = _prepare(daily(checkins))
    return Insights(
        days=data.days,
        trend=_trend(data),
        tag_effects=tuple(_tag_effects(data, min_days, fdr, LOW_SLEEP, method)),
        correlations=tuple(_correlations(data, fdr, method)),
        flare_up=_flare_up(data, today),
    )
