"""Forecast an objective's KPI to its due date, with a prediction interval and a probability.

Method (chosen for short, noisy, spiky OSPO series; its calibration is measured by
``benchmarks/objectives_backtest.py`` and reported in the README):

* **Level aggregations** (``latest``, ``latest_week``, ``median_90d``, ...): a Theil–Sen line
  (the median of all pairwise slopes; a few vectorised numpy lines, because importing
  ``scipy.stats`` for it costs every dashboard start 3 seconds) through the measured points.
  One outlier week (a bot burst, a holiday) barely moves it, unlike a least-squares
  line, and it needs no season or long history, unlike exponential smoothing, which does not
  converge on the 5–30 points an objective usually has. The prediction interval comes from a
  moving-block bootstrap of the residuals (blocks keep the autocorrelation of rolling values):
  each replicate refits the Theil–Sen line on the fitted values plus resampled residuals and
  adds one resampled residual at the due date (the value judged there is one noisy period).
* **Cumulative aggregations** (``sum_ytd``, ``sum_since_start``): the value at the due date is
  what is counted now plus the weeks still to come; those weeks are drawn from the recent
  complete weeks with a two-level bootstrap (resample the recent weeks, then draw the future
  weeks from that resample), so both the week-to-week noise and the uncertainty of the rate
  are in the interval, and a count never decreases.
* **Damped trend**: a trend seen over a span of days is trusted for about
  :data:`DAMPING_SPANS` times as long (see :func:`_damped`); beyond that it levels off, so a
  few weeks of data never extrapolate to absurd values a year later.
* **Domain**: a forecast never leaves the KPI's domain. For ``[0, inf)`` (hours, counts,
  people) the line is fitted to ``log(1 + y)`` and mapped back, so a falling trend approaches
  0 instead of crossing it; for ``[lower, upper]`` (percentages, shares) it is fitted as is
  and stops at the bound, as a share that reaches 100 % does.
* **Probability of reaching the target** = the share of the replicates that reach it in the
  objective's direction. Replicates use a fixed seed derived from the data, so the same data
  always give the same answer.

Everything here is pure numpy: no I/O.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

# Replicates of every bootstrap: enough for a probability to 1-2 points, cheap enough for pages.
REPLICATES = 400
# The central interval reported and drawn: 80 % (10th to 90th percentile of the replicates).
INTERVAL = 0.8
# Fewest points for a fitted line; with fewer an objective gets no forecast (see evaluate).
MIN_POINTS = 4
# The most recent points a line is fitted to (older ones say little about the due date).
MAX_POINTS = 60
# Recent weeks a cumulative forecast draws its future weeks from.
RECENT_WEEKS = 13
# A trend seen over a span of days is trusted for DAMPING_SPANS times that span, and at least
# MIN_DAMPING_DAYS (see _damped). Chosen with benchmarks/objectives_backtest.py.
DAMPING_SPANS = 0.5
# Replicates are spread SPREAD times as far from their median as the bootstrap draws them:
# residuals of a line fitted to few points understate the noise (backtest: see README).
SPREAD = 1.5
MIN_DAMPING_DAYS = 28.0

Domain = tuple[float | None, float | None]
UNBOUNDED: Domain = (None, None)
NON_NEGATIVE: Domain = (0.0, None)


@dataclass(frozen=True)
class Forecast:
    """The forecast of the value judged on the due date.

    ``median``, ``low`` and ``high`` are the median and the :data:`INTERVAL` central interval
    of the replicates; ``probability`` the share reaching the target; ``slope_per_day`` the
    fitted trend in the KPI's unit per day near the last point (for a running sum: the recent
    weekly rate / 7); ``method`` names the method. ``band`` holds ``(step, low, median,
    high)`` rows for the steps asked for (days for a level forecast, weeks from now for a
    running sum), ending with the due date, for charts.
    """

    median: float
    low: float
    high: float
    probability: float
    slope_per_day: float
    method: str
    band: tuple[tuple[float, float, float, float], ...] = ()


def clip(value: float, domain: Domain) -> float:
    """``value`` moved into ``domain`` (used for inputs that already stray, never to hide)."""
    low, high = domain
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def _to_space(values: np.ndarray, domain: Domain) -> np.ndarray:
    low, high = domain
    if low is not None and high is None:
        return np.log1p(np.maximum(values - low, 0.0))
    return values.astype("float64")


def _from_space(values: np.ndarray, domain: Domain) -> np.ndarray:
    low, high = domain
    if low is not None and high is None:
        return np.expm1(values) + low
    # Bounded on both sides (a share): the line is fitted as is and what crosses a bound
    # stops there, as a share that reaches 100 % does.
    return np.clip(values, low, high) if (low is not None or high is not None) else values


def _damped(steps: np.ndarray, last: float, span: float) -> np.ndarray:
    """Where the trend has carried each step: linear close to the data, then levelling off.

    Beyond the last point, ``h`` days ahead count as ``span * (1 - exp(-h / span))`` (a damped
    trend): close to the data the line holds, and it never carries more than ``span`` days, so
    a line through six weeks of data does not decide where a KPI stands in a year.
    """
    ahead = np.maximum(steps - last, 0.0)
    return last + span * (1 - np.exp(-ahead / span))


def _seed(*parts: object) -> int:
    return zlib.crc32(repr(parts).encode())


def _reaches(values: np.ndarray, target: float, direction: str) -> np.ndarray:
    return values >= target if direction == "up" else values <= target


def _summary(
    paths: np.ndarray,
    steps: np.ndarray,
    target: float,
    direction: str,
    slope: float,
    method: str,
) -> Forecast:
    """Summarise replicate paths (replicates x steps); the last step is the due date."""
    tail = (1 - INTERVAL) / 2
    quantiles = np.quantile(paths, [tail, 0.5, 1 - tail], axis=0)  # 3 x steps
    low, median, high = quantiles[:, -1]
    band = tuple(
        (float(step), float(q[0]), float(q[1]), float(q[2]))
        for step, q in zip(steps, quantiles.T, strict=True)
    )
    return Forecast(
        median=float(median),
        low=float(low),
        high=float(high),
        probability=float(np.mean(_reaches(paths[:, -1], target, direction))),
        slope_per_day=float(slope),
        method=method,
        band=band,
    )


def _block_indices(n: int, rng: np.random.Generator, replicates: int) -> np.ndarray:
    """Moving-block bootstrap positions: ``replicates`` rows of ``n`` residual indices."""
    block = max(1, round(n ** (1 / 3)))
    starts = rng.integers(0, n - block + 1, size=(replicates, math.ceil(n / block)))
    rows = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(replicates, -1)
    return rows[:, :n]


def _wander_per_day(x: np.ndarray, residuals: np.ndarray) -> float:
    """Variance per day of a random walk in the residuals, from their variogram.

    Half the mean squared difference of residuals ``L`` points apart is flat in ``L`` for
    independent noise and grows by half the walk's variance per day of separation for a
    random walk; the Theil–Sen slope of that curve over the lags up to half the points,
    doubled, is the estimate (0 when it does not grow).
    """
    n = len(x)
    lags, gammas = [], []
    for lag in range(1, n // 2 + 1):
        diffs = residuals[lag:] - residuals[:-lag]
        lags.append(float(np.median(x[lag:] - x[:-lag])))
        gammas.append(0.5 * float(np.mean(diffs**2)))
    if len(lags) < 2 or np.ptp(lags) == 0:
        return 0.0
    slope, _ = _theil_sen(np.array(lags), np.array(gammas))
    return max(0.0, 2.0 * float(slope))


def _theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The Theil–Sen line: the median of all pairwise slopes, and the median intercept."""
    slopes, intercepts = _theil_sen_many(x, y[None, :])
    return float(slopes[0]), float(intercepts[0])


def _theil_sen_many(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theil–Sen slopes and intercepts of every row of ``y`` (shape replicates x n) on ``x``."""
    i, j = np.triu_indices(len(x), k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    slopes = np.median((y[:, j[keep]] - y[:, i[keep]]) / dx[keep], axis=1)
    intercepts = np.median(y - slopes[:, None] * x[None, :], axis=1)
    return slopes, intercepts


def forecast_level(
    days: np.ndarray,
    values: np.ndarray,
    horizon_day: float,
    target: float,
    direction: str,
    domain: Domain = NON_NEGATIVE,
    band_steps: int = 8,
) -> Forecast | None:
    """Forecast a level KPI at ``horizon_day`` from points ``(days, values)``.

    ``days`` are days since any fixed origin (e.g. the objective start); the band runs in
    ``band_steps`` even steps from the last point to ``horizon_day``. Returns None with fewer
    than :data:`MIN_POINTS` finite points or when all points sit on one day.
    """
    x = np.asarray(days, dtype="float64")
    y = np.asarray(values, dtype="float64")
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite][-MAX_POINTS:], y[finite][-MAX_POINTS:]
    if len(x) < MIN_POINTS or np.ptp(x) == 0:
        return None
    y = np.array([clip(v, domain) for v in y])
    z = _to_space(y, domain)
    slope, intercept = _theil_sen(x, z)
    fitted = intercept + slope * x
    residuals = z - fitted
    residuals = residuals - np.median(residuals)

    rng = np.random.default_rng(_seed(x.tobytes(), z.tobytes(), horizon_day))
    blocks = _block_indices(len(x), rng, REPLICATES)
    worlds = fitted[None, :] + residuals[blocks]
    slopes, intercepts = _theil_sen_many(x, worlds)
    noise = residuals[rng.integers(0, len(x), size=REPLICATES)]
    last = x[-1]
    # The level also wanders (a random walk the line cannot see): its spread grows with the
    # days ahead, at the rate the residuals' variogram shows.
    wander = rng.standard_normal(REPLICATES) * np.sqrt(_wander_per_day(x, residuals))
    steps = np.linspace(last, max(float(horizon_day), last), max(band_steps, 1) + 1)[1:]
    carried = _damped(steps, last, max(DAMPING_SPANS * float(np.ptp(x)), MIN_DAMPING_DAYS))
    ahead = np.sqrt(np.maximum(steps - last, 0.0))
    paths = (
        intercepts[:, None]
        + slopes[:, None] * carried[None, :]
        + noise[:, None]
        + wander[:, None] * ahead[None, :]
    )
    # Widen around the median: the bootstrap alone proved overconfident in the backtest.
    centre = np.median(paths, axis=0)
    paths = _from_space(centre + SPREAD * (paths - centre), domain)
    # The slope in the KPI's own unit, near the last point (the space may be curved).
    here, week_on = _from_space(intercept + slope * np.array([last, last + 7]), domain)
    return _summary(
        paths, steps, target, direction, (week_on - here) / 7, "Theil–Sen + block bootstrap"
    )


def forecast_cumulative(
    current: float,
    recent_weeks: np.ndarray,
    weeks_left: int,
    target: float,
    direction: str,
) -> Forecast | None:
    """Forecast a running sum: ``current`` plus ``weeks_left`` weeks like the recent ones.

    ``recent_weeks`` are the complete weekly values the future is drawn from (the last
    :data:`RECENT_WEEKS` are used). Returns None without at least :data:`MIN_POINTS` of them.
    """
    weeks = np.asarray(recent_weeks, dtype="float64")
    weeks = np.maximum(weeks[np.isfinite(weeks)][-RECENT_WEEKS:], 0.0)
    if len(weeks) < MIN_POINTS:
        return None
    weeks_left = max(int(weeks_left), 0)
    rng = np.random.default_rng(_seed(weeks.tobytes(), float(current), weeks_left))
    worlds = rng.choice(weeks, size=(REPLICATES, len(weeks)), replace=True)
    steps = np.arange(0, weeks_left + 1)
    picks = rng.integers(0, len(weeks), size=(REPLICATES, weeks_left))
    future = np.cumsum(np.take_along_axis(worlds, picks, axis=1), axis=1)
    paths = float(current) + np.concatenate([np.zeros((REPLICATES, 1)), future], axis=1)
    return _summary(
        paths, steps, target, direction, weeks.mean() / 7, "weekly bootstrap of a running sum"
    )
