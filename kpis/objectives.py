"""Evaluate a strategic objective: where a KPI stands against its target, and whether it gets there.

An objective (see ``ospo_metrics.config.Objective``) moves one KPI from a ``baseline`` to a
``target`` between ``start`` and ``due``. :func:`evaluate` turns the KPI's per-period table
(the output of :func:`kpis.series` for :func:`period_for` of the aggregation) into an
:class:`ObjectiveResult`: the current value, progress, a forecast for the due date with an 80 %
interval and the probability of reaching the target, a status and plain-language sentences.
It is a pure function: everything it needs comes in as arguments, so pages, the CLI, alerts
and the CSV export agree on every status.

Conventions, decided once here:

* **Complete periods only.** The period containing ``as_of`` is still running and is never
  used (as in :func:`kpis.latest_change`). ``as_of`` is read as a UTC calendar day; the days
  before it are complete. Rows missing from a :func:`kpis.series` table are filled the way
  :func:`kpis.latest_change` fills them: quiet periods outside the KPI's data span take the
  KPI's fill value (0 for counts), anything else is unknown (NaN). NaN values are ignored by
  every aggregation.
* **Current value** (see :data:`AGGREGATIONS`): ``latest``/``latest_month`` read the last
  complete month, ``latest_week``/``latest_quarter`` the last complete week/quarter;
  ``median_90d``/``mean_90d`` take the median/mean of the complete weeks starting within the
  90 days before ``as_of``; ``sum_ytd`` sums the complete weeks starting on or after 1 January
  of the year of the last complete day (``as_of``'s year, except on 1 January itself) and
  ``sum_since_start`` those starting on or after ``start``. ISO weeks straddle years, so a week
  that starts before 1 January (or before ``start``) is left out of those sums entirely.
* **Direction** comes from the objective (``"up"`` when target > baseline, else ``"down"``),
  not from the KPI: OSPOs set targets either way (fewer employee commits on a project they
  want to hand over to its community, for instance).
* **Progress** = (current - baseline) / (target - baseline), **bounded to 0..1**: 0 at (or
  behind) the baseline, 1 at the target. A value on the wrong side of the baseline has
  **moved away** from the target; ``moved_away`` says by how much, as a share of the baseline
  value (of the baseline-to-target distance when the baseline is 0), e.g. "moved away from the
  target by 30 %". **Expected progress** is the share of the days from ``start`` to ``due``
  gone by ``as_of``, clipped to 0..1.
* **After the due date** the objective is judged as of the due date: values are read as if
  ``as_of`` were the day after ``due`` (so the period ending on the due date counts, later
  data does not), and the verdict no longer changes as the KPI moves on.
* **Trajectory**: the measured value at the end of each complete period (each value sits on
  the first day after its period, the day it became known); for the rolling aggregations the
  aggregation itself computed as of the end of each complete week, so the forecast is of the
  number the objective is judged on.
* **Forecast** (:mod:`kpis.forecast`): for level aggregations a damped Theil–Sen trend through
  the trajectory since the start (completed with the points just before the start when there
  are fewer than :data:`FIT_POINTS`), with a block-bootstrap interval; for
  ``sum_ytd``/``sum_since_start`` the current sum plus the weeks still to come, drawn from the
  recent weeks. Forecasts stay inside the KPI's domain (``domain``: counts and hours never
  negative, percentages within 0..100). ``probability`` is the forecast's chance that the
  value judged on the due date reaches the target.

Status rules, checked in this order (see :data:`STATUSES`):

1. ``no data``: no current value (nothing collected, nothing complete yet, or NaN);
2. ``met``: the current value reached the target in the objective's direction
   (current >= target going up, current <= target going down); after the due date, only if
   it had reached it on the due date;
3. ``missed``: ``as_of`` is after the due date and the target was not met;
4. with a forecast: ``on track`` if the probability is at least :data:`ON_TRACK_PROBABILITY`
   (70 %), ``at risk`` if at least :data:`AT_RISK_PROBABILITY` (30 %), else ``off track``;
5. without a forecast (too few points): ``on track`` if progress >= expected progress,
   ``at risk`` if progress >= expected progress - 0.25, else ``off track``; with the target
   equal to the baseline, ``off track``.

An objective **moving away** from its target (the fitted trend, or without a forecast the
current value, points away from it) is never ``on track``: it is ``at risk`` at best.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kpis.forecast import (
    NON_NEGATIVE,
    RECENT_WEEKS,
    Domain,
    Forecast,
    forecast_cumulative,
    forecast_level,
)
from kpis.periods import (
    DATETIME_UNIT,
    Period,
    infer_period,
    period_floor,
    period_range,
    shift,
    timestamp_utc_naive,
)

AGGREGATIONS: dict[str, str] = {
    "latest": "value of the last complete month (the default)",
    "latest_week": "value of the last complete week",
    "latest_month": "value of the last complete month",
    "latest_quarter": "value of the last complete quarter",
    "median_90d": "median of the weekly values of the complete weeks in the last 90 days",
    "mean_90d": "mean of the weekly values of the complete weeks in the last 90 days",
    "sum_ytd": "sum of the weekly values of the complete weeks since 1 January (counts only)",
    "sum_since_start": "sum of the weekly values of the complete weeks since the objective start",
    # Kept so configs written with the older name (ospo.example.yml) still load.
}
DEFAULT_AGGREGATION = "latest"

_PERIOD_OF: dict[str, Period] = {
    "latest": "month",
    "latest_week": "week",
    "latest_month": "month",
    "latest_quarter": "quarter",
    "median_90d": "week",
    "mean_90d": "week",
    "sum_ytd": "week",
    "sum_since_start": "week",
}
_ROLLING: frozenset[str] = frozenset({"median_90d", "mean_90d", "sum_ytd", "sum_since_start"})
_CUMULATIVE: frozenset[str] = frozenset({"sum_ytd", "sum_since_start"})
# Where "no value" looks, per aggregation, for the no-data sentence.
_WINDOW_WORDS: dict[str, str] = {
    "latest": "the last complete month",
    "latest_week": "the last complete week",
    "latest_month": "the last complete month",
    "latest_quarter": "the last complete quarter",
    "median_90d": "the complete weeks of the last 90 days",
    "mean_90d": "the complete weeks of the last 90 days",
    "sum_ytd": "the complete weeks since 1 January",
    "sum_since_start": "the complete weeks since the start",
}
_WINDOW_90D = pd.Timedelta(days=90)
_ONE_DAY = pd.Timedelta(days=1)

STATUSES: tuple[str, ...] = ("met", "on track", "at risk", "off track", "missed", "no data")
# Worst first, for pages that list what needs attention at the top. "no data" sits between
# the failing and the healthy ones: it needs a look, but says nothing bad about the work.
STATUSES_WORST_FIRST: tuple[str, ...] = (
    "missed",
    "off track",
    "at risk",
    "no data",
    "on track",
    "met",
)

# Probability thresholds of the status (see the module docstring).
ON_TRACK_PROBABILITY = 0.7
AT_RISK_PROBABILITY = 0.3
# Fallback without a forecast: how far behind the schedule (in progress) still counts as at risk.
AT_RISK_LAG = 0.25
# A forecast reads the points since the start, or the last FIT_POINTS periods when there are
# fewer (the periods before the start tell how noisy the KPI is and where it was heading).
FIT_POINTS = 12
# A trend flatter than this share of the baseline-to-target distance per 30 days is "flat".
FLAT_TREND = 0.01


@dataclass(frozen=True)
class ObjectiveResult:
    """Where an objective stands; see the module docstring for the exact rules.

    ``current`` is the aggregated KPI value (None when there is none); ``as_of_period`` the
    start of the last complete period it reads (None with no data); ``progress`` the share of
    the way from baseline to target, bounded to 0..1 (None when undefined); ``moved_away`` how
    far the value moved away from the target (share of the baseline; None unless it did);
    ``expected_progress`` the share of the time from start to due gone by ``as_of``;
    ``projected`` the forecast's median for the due date and ``forecast_low``/``forecast_high``
    its 80 % interval (None without a forecast); ``probability`` the chance of reaching the
    target (None without a forecast); ``trend`` ``"towards"``, ``"away"`` or ``"flat"``
    relative to the target (None without a forecast); ``status`` one of :data:`STATUSES`;
    ``direction`` ``"up"`` or ``"down"``; ``explanation`` one paragraph for a manager.
    """

    current: float | None
    as_of_period: pd.Timestamp | None
    progress: float | None
    expected_progress: float
    projected: float | None
    status: str
    direction: str
    explanation: str
    forecast_low: float | None = None
    forecast_high: float | None = None
    probability: float | None = None
    trend: str | None = None
    moved_away: float | None = None
    method: str | None = None
    # The measured value at the end of each complete period since the start (columns date,
    # value); not compared, since DataFrames have no single truth value.
    trajectory: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["date", "value"]), compare=False
    )
    # The forecast band from the last point to the due date (date, low, median, high).
    band: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["date", "low", "median", "high"]),
        compare=False,
    )

    @property
    def progress_text(self) -> str:
        """Progress in words: "64 % of the way", "moved away from the target by 30 %"."""
        if self.moved_away is not None:
            return f"moved away from the target by {self.moved_away:.0%}"
        if self.progress is None:
            return "no progress measure (target equals baseline)"
        return f"{self.progress:.0%} of the way"


def check_aggregation(aggregation: str | None) -> str:
    """Return the aggregation id (``latest`` for None); raise ``ValueError`` if unknown."""
    name = DEFAULT_AGGREGATION if aggregation is None else aggregation
    if name not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {name!r}; expected one of {', '.join(AGGREGATIONS)}")
    return name


def period_for(aggregation: str | None) -> Period:
    """The :func:`kpis.series` period (week, month or quarter) that ``aggregation`` reads."""
    return _PERIOD_OF[check_aggregation(aggregation)]


def status_rank(status: str) -> int:
    """Sort key putting the worst status first: 0 for ``missed`` ... 5 for ``met``."""
    try:
        return STATUSES_WORST_FIRST.index(status)
    except ValueError:
        raise ValueError(
            f"unknown status {status!r}; expected one of {', '.join(STATUSES)}"
        ) from None


def evaluate(
    series: pd.DataFrame,
    *,
    baseline: float,
    target: float,
    start: dt.date,
    due: dt.date,
    as_of: pd.Timestamp | dt.date,
    aggregation: str | None = None,
    unit: str | None = None,
    domain: Domain = NON_NEGATIVE,
) -> ObjectiveResult:
    """Evaluate one objective on its KPI's per-period table (rules: see the module docstring).

    ``series`` has columns ``period_start`` and ``value`` for ``period_for(aggregation)``;
    a table recorded or recognisable as another period kind is rejected with ``ValueError``,
    because its values would silently be read as the wrong periods. ``unit`` (e.g. the KPI's
    unit) only decorates the explanation; ``domain`` (the KPI's :attr:`kpis.KPI.domain`) is
    where forecasts must stay.
    """
    name = check_aggregation(aggregation)
    period = _PERIOD_OF[name]
    _check_series_period(series, period)
    baseline, target = float(baseline), float(target)
    start_day = pd.Timestamp(start).normalize().as_unit("ns")
    due_day = pd.Timestamp(due).normalize().as_unit("ns")
    today = timestamp_utc_naive(as_of).normalize()
    after_due = today > due_day
    # Judge a finished objective as of its due date: the day after it, the due day's period
    # is complete, and anything later must not change the verdict.
    end = min(today, due_day + _ONE_DAY)

    direction = "up" if target > baseline else "down"
    expected = _expected_progress(start_day, due_day, today)
    history_first = _history_first(name, period, start_day)
    values = _period_values(
        series, period, _first_needed(name, period, min(start_day, history_first), end), end
    )
    current, as_of_period = _current(name, values, period, start_day, end)
    history = _trajectory(name, values, period, history_first, end, start_day)
    trajectory = history[history["date"] > start_day].reset_index(drop=True)
    raw_progress = None
    if current is not None and target != baseline:
        raw_progress = (current - baseline) / (target - baseline)
    progress = None if raw_progress is None else min(max(raw_progress, 0.0), 1.0)
    moved_away = _moved_away(current, baseline, target, raw_progress)

    forecast = None
    if current is not None and not after_due:
        forecast = _forecast(
            name,
            values,
            history,
            trajectory,
            current,
            (start_day, due_day, end),
            target,
            direction,
            domain,
        )
    band = _band(forecast, name, trajectory, start_day, end)
    trend = None if forecast is None else _trend(forecast, baseline, target, direction)

    def result(status: str) -> ObjectiveResult:
        outcome = ObjectiveResult(
            current=current,
            as_of_period=as_of_period,
            progress=progress,
            expected_progress=expected,
            projected=None if forecast is None else forecast.median,
            status=status,
            direction=direction,
            explanation="",
            forecast_low=None if forecast is None else forecast.low,
            forecast_high=None if forecast is None else forecast.high,
            probability=None if forecast is None else forecast.probability,
            trend=trend,
            moved_away=moved_away,
            method=None if forecast is None else forecast.method,
            trajectory=trajectory,
            band=band,
        )
        text = _explain(outcome, name, period, (baseline, target, due_day), after_due, unit)
        return replace(outcome, explanation=text)

    if current is None:
        return result("no data")
    if _reached(current, target, direction):
        return result("met")
    if after_due:
        return result("missed")
    if forecast is not None:
        if forecast.probability >= ON_TRACK_PROBABILITY:
            status = "on track"
        elif forecast.probability >= AT_RISK_PROBABILITY:
            status = "at risk"
        else:
            status = "off track"
        away = trend == "away"
    else:
        if raw_progress is not None and raw_progress >= expected:
            status = "on track"
        elif raw_progress is not None and raw_progress >= expected - AT_RISK_LAG:
            status = "at risk"
        else:
            status = "off track"
        away = moved_away is not None
    if away and status == "on track":
        status = "at risk"  # moving away from the target is never on track
    return result(status)


# --------------------------------------------------------------------------- helpers


def _check_series_period(series: pd.DataFrame, period: Period) -> None:
    missing = [c for c in ("period_start", "value") if c not in series.columns]
    if missing:
        raise ValueError(f"series is missing columns: {', '.join(missing)}")
    kind = series.attrs.get("period")
    if kind is None and len(series) >= 2:
        kind = infer_period(series["period_start"])
    if kind is not None and kind != period:
        raise ValueError(f"this aggregation reads a per-{period} series, got a per-{kind} one")


def _expected_progress(start: pd.Timestamp, due: pd.Timestamp, today: pd.Timestamp) -> float:
    total = (due - start).days
    if total <= 0:  # the config forbids it; answer sensibly rather than divide by zero
        return 1.0 if today >= due else 0.0
    return float(min(max((today - start).days / total, 0.0), 1.0))


def _reached(value: float, target: float, direction: str) -> bool:
    return value >= target if direction == "up" else value <= target


def _first_needed(name: str, period: Period, start: pd.Timestamp, end: pd.Timestamp):
    """Earliest period start any value of the evaluation or its trend can read."""
    # The trend starts at start's period; the current value may be older (as_of before start).
    first = min(period_floor(start, period), shift(period_floor(end, period), period, -1))
    if name in _ROLLING:
        # The earliest evaluation point is the end of start's week, or ``end`` if earlier.
        earliest = min(end, period_floor(start, "week") + pd.Timedelta(days=7))
        first = min(first, period_floor(earliest - _WINDOW_90D, "week"))
        first = min(first, period_floor(_year_start(earliest), "week"))
    return first


def _period_values(
    series: pd.DataFrame, period: Period, first: pd.Timestamp, end: pd.Timestamp
) -> pd.Series:
    """Values of every complete period from ``first`` up to ``end`` (exclusive), gap-free."""
    last = shift(period_floor(end, period), period, -1)
    if first > last:
        return pd.Series([], dtype="float64", index=pd.DatetimeIndex([], dtype=DATETIME_UNIT))
    index = period_range(first, last, period)
    table = pd.DataFrame(
        {
            "period_start": pd.to_datetime(series["period_start"]).astype(DATETIME_UNIT),
            "value": pd.to_numeric(series["value"], errors="coerce").astype("float64"),
        }
    )
    # Duplicated periods: the last row wins, as in latest_change.
    table = table.drop_duplicates("period_start", keep="last").set_index("period_start")
    values = table["value"].reindex(index)
    missing = ~index.isin(table.index)
    if missing.any() and "fill_value" in series.attrs:
        # Same rule as latest_change (_is_quiet): quiet periods outside the data span take the
        # fill value; inside it a missing row is unknown.
        first_data, last_data = series.attrs.get("data_first"), series.attrs.get("data_last")
        if "data_first" in series.attrs and first_data is None:
            # The KPI has no input at all (an empty database, a scope with nothing in it):
            # nothing was measured, so the objective has no data rather than a value of 0.
            quiet = np.zeros(len(index), dtype=bool)
        elif first_data is None or last_data is None:
            quiet = missing
        else:
            quiet = missing & ((index < first_data) | (index > last_data))
        values[quiet] = float(series.attrs["fill_value"])
    values.index = pd.DatetimeIndex(values.index).astype(DATETIME_UNIT)
    return values


def _year_start(end: pd.Timestamp) -> pd.Timestamp:
    # The year of the last complete day: on 1 January the year just ended is still the one
    # with complete data, and a sum_ytd objective judged on 31 December must read its own year.
    return pd.Timestamp(year=(end - _ONE_DAY).year, month=1, day=1).as_unit("ns")


def _rolling(name: str, weeks: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    """The rolling aggregation as of ``end`` (exclusive) over the complete weekly values."""
    index = weeks.index.to_numpy(dtype="datetime64[ns]")
    return _rolling_arrays(name, index, weeks.to_numpy(dtype="float64"), start, end)


def _rolling_arrays(
    name: str, index: np.ndarray, values: np.ndarray, start: pd.Timestamp, end: pd.Timestamp
) -> float | None:
    # numpy on sorted week starts: trajectories evaluate this once per week of history.
    if name in ("median_90d", "mean_90d"):
        lower = end - _WINDOW_90D
    elif name == "sum_ytd":
        lower = _year_start(end)
    else:  # sum_since_start
        lower = start
    cutoff = period_floor(end, "week")
    low = np.searchsorted(index, np.datetime64(lower.as_unit("ns")), side="left")
    high = np.searchsorted(index, np.datetime64(cutoff.as_unit("ns")), side="left")
    window = values[low:high]
    window = window[~np.isnan(window)]
    if window.size == 0:
        return None
    if name == "median_90d":
        return float(np.median(window))
    if name == "mean_90d":
        return float(np.mean(window))
    return float(np.sum(window))


def _current(
    name: str, values: pd.Series, period: Period, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[float | None, pd.Timestamp | None]:
    last = shift(period_floor(end, period), period, -1)
    if name in _ROLLING:
        value = _rolling(name, values, start, end)
    else:
        value = float(values[last]) if last in values.index else None
    if value is None or math.isnan(value):
        return None, None
    return value, last


def _history_first(name: str, period: Period, start: pd.Timestamp) -> pd.Timestamp:
    """First period of the history a forecast may read: a few periods before the start, so a
    young objective still has enough points (sums since the start have nothing before it)."""
    first = period_floor(start, period)
    return first if name in _CUMULATIVE else shift(first, period, -FIT_POINTS)


def _trajectory(
    name: str,
    values: pd.Series,
    period: Period,
    first: pd.Timestamp,
    end: pd.Timestamp,
    start: pd.Timestamp,
) -> pd.DataFrame:
    """The measured value (the aggregation itself for rolling ones) at the end of each complete
    period from ``first``: what the forecast is fitted to, and what a chart of the objective
    shows.
    """
    keep = (values.index >= first) & (values.index < period_floor(end, period))
    index = values.index.to_numpy(dtype="datetime64[ns]")
    array = values.to_numpy(dtype="float64")
    points: list[tuple[pd.Timestamp, float]] = []
    for period_start, own in zip(values.index[keep], array[keep], strict=True):
        known_on = shift(period_start, period, 1)  # the day after the period's last day
        value = _rolling_arrays(name, index, array, start, known_on) if name in _ROLLING else own
        if value is not None and not math.isnan(value):
            points.append((known_on, float(value)))
    return pd.DataFrame(points, columns=["date", "value"]).astype(
        {"date": DATETIME_UNIT, "value": "float64"}
    )


def _forecast(
    name: str,
    values: pd.Series,
    history: pd.DataFrame,
    trajectory: pd.DataFrame,
    current: float,
    days: tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp],
    target: float,
    direction: str,
    domain: Domain,
) -> Forecast | None:
    start, due, end = days
    judged_on = due + _ONE_DAY  # values known on the day after the due date count
    if name in _CUMULATIVE:
        complete = values[values.index < period_floor(end, "week")].dropna()
        recent = complete.to_numpy(dtype="float64")[-RECENT_WEEKS:]
        base, weeks_left = current, _weeks_left(name, start, end, judged_on)
        if name == "sum_ytd" and _year_start(judged_on) > _year_start(end):
            base = 0.0  # the due date's year starts from zero
        return forecast_cumulative(base, recent, weeks_left, target, direction)
    points = trajectory if len(trajectory) >= FIT_POINTS else history.tail(FIT_POINTS)
    x = np.array([(day - start).days for day in points["date"]], dtype="float64")
    y = points["value"].to_numpy(dtype="float64")
    return forecast_level(x, y, float((judged_on - start).days), target, direction, domain)


def _weeks_left(name: str, start: pd.Timestamp, end: pd.Timestamp, judged_on: pd.Timestamp) -> int:
    """Complete weeks that will count in the sum on the due date but are not complete now."""
    first = period_floor(end, "week")  # the running week
    last = shift(period_floor(judged_on, "week"), "week", -1)
    if name == "sum_ytd":
        first = max(first, period_floor(_year_start(judged_on) + pd.Timedelta(days=6), "week"))
    else:
        first = max(first, period_floor(start + pd.Timedelta(days=6), "week"))
    return max(0, (last - first).days // 7 + 1)


def _band(
    forecast: Forecast | None,
    name: str,
    trajectory: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> pd.DataFrame:
    columns = ["date", "low", "median", "high"]
    if forecast is None or not forecast.band:
        return pd.DataFrame(columns=columns)
    if name in _CUMULATIVE:
        known = period_floor(end, "week")  # the day the last complete week became known
        rows = [
            (known + pd.Timedelta(days=7 * step), low, mid, high)
            for step, low, mid, high in forecast.band
        ]
    else:
        rows = [
            (start + pd.Timedelta(days=round(step)), low, mid, high)
            for step, low, mid, high in forecast.band
        ]
        if len(trajectory):
            last = trajectory.iloc[-1]
            rows.insert(0, (last["date"], last["value"], last["value"], last["value"]))
    return pd.DataFrame(rows, columns=columns).astype({"date": DATETIME_UNIT})


def _trend(forecast: Forecast, baseline: float, target: float, direction: str) -> str:
    """Whether the fitted trend heads towards the target, away from it, or is flat."""
    scale = abs(target - baseline) or abs(baseline) or 1.0
    tolerance = FLAT_TREND * scale / 30
    slope = forecast.slope_per_day if direction == "up" else -forecast.slope_per_day
    if slope > tolerance:
        return "towards"
    if slope < -tolerance:
        return "away"
    return "flat"


def _moved_away(
    current: float | None, baseline: float, target: float, raw_progress: float | None
) -> float | None:
    """How far the value moved away from the target: a share of the baseline value (of the
    baseline-to-target distance when the baseline is 0); None unless it moved away."""
    if current is None or raw_progress is None or raw_progress >= 0:
        return None
    scale = abs(baseline) if baseline != 0 else abs(target - baseline)
    return abs(current - baseline) / scale


# --------------------------------------------------------------------------- explanation


def _number(value: float) -> str:
    """A config number as written: 48, 1,650, 0.85 (no spurious ".0")."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _explain(
    result: ObjectiveResult,
    name: str,
    period: Period,
    objective: tuple[float, float, pd.Timestamp],
    after_due: bool,
    unit: str | None,
) -> str:
    baseline, target, due = objective
    due_text = f"{due:%Y-%m-%d}"
    goal = f"target {_with_unit(_number(target), unit)} by {due_text}"
    status, current = result.status, result.current
    if status == "no data" or current is None:
        return f"No value in {_WINDOW_WORDS[name]} yet ({goal}): no data."
    now = _with_unit(_value(current), unit)
    if status in ("met", "missed"):
        when = "on the due date" if after_due else "now"
        return f"{now} {when}, {goal}: {status}."
    way = f"{result.progress_text} from {_number(baseline)} to {_number(target)}"
    if result.moved_away is not None:
        way = f"{result.progress_text} (baseline {_number(baseline)}, target {_number(target)})"
    text = f"{now} now, {way}, with {result.expected_progress:.0%} of the time gone."
    if result.probability is None:
        return (
            f"{text} Too few points for a forecast, so progress is compared with the "
            f"schedule ({goal}): {status}."
        )
    low, high = _value(result.forecast_low), _value(result.forecast_high)
    forecast = (
        f" Forecast for {due_text}: {_with_unit(_value(result.projected), unit)} "
        f"(80% range {low} to {high}), a {result.probability:.0%} chance of reaching "
        f"{_number(target)}"
    )
    if result.trend == "away":
        forecast += ", and the trend points away from the target"
    return f"{text}{forecast}: {status}."


def _value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"
