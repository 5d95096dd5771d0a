"""Evaluate a strategic objective: where a KPI stands against its target, and whether it gets there.

An objective (see ``ospo_metrics.config.Objective``) moves one KPI from a ``baseline`` to a
``target`` between ``start`` and ``due``. :func:`evaluate` turns the KPI's per-period table
(the output of :func:`kpis.series` for :func:`period_for` of the aggregation) into an
:class:`ObjectiveResult`: the current value, progress, the trend's projection for the due date,
a status and one plain-language sentence. It is a pure function: everything it needs comes in
as arguments, so pages, the CLI and the CSV export agree on every status.

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
* **Progress** = (current - baseline) / (target - baseline): 0 at the baseline, 1.0 at the
  target, negative when moving away; None when target equals baseline. **Expected progress**
  is the share of the days from ``start`` to ``due`` gone by ``as_of``, clipped to 0..1.
* **After the due date** the objective is judged as of the due date: values are read as if
  ``as_of`` were the day after ``due`` (so the period ending on the due date counts, later
  data does not), and the verdict no longer changes as the KPI moves on.
* **Trend**: a least-squares line through the complete periods' values from the period
  containing ``start`` up to ``as_of``. Each value sits on the first day after its period (the
  day it became known); the projection is the line's value on the due date. For the rolling
  aggregations (``median_90d``, ``mean_90d``, ``sum_ytd``, ``sum_since_start``) the points are
  the aggregation itself computed as of the end of each complete week since ``start``, so the
  projection is of the number the objective is judged on. At least :data:`MIN_TREND_POINTS`
  non-missing points are needed; with fewer there is no projection.

Status rules, checked in this order (see :data:`STATUSES`):

1. ``no data``: no current value (nothing complete yet, or the value is NaN);
2. ``met``: the current value reached the target in the objective's direction
   (current >= target going up, current <= target going down), at any time up to the due
   date; after the due date, only if it had reached it on the due date;
3. ``missed``: ``as_of`` is after the due date and the target was not met;
4. with a trend: ``on track`` if the projection reaches the target (projected progress >= 1),
   ``at risk`` if the projected progress is at least 0.75, else ``off track``;
5. without a trend (too few points): ``on track`` if progress >= expected progress,
   ``at risk`` if progress >= expected progress - 0.25, else ``off track``. When progress is
   undefined (target equal to baseline) this fallback says ``off track``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpis.periods import (
    DATETIME_UNIT,
    Period,
    infer_period,
    period_floor,
    period_range,
    shift,
    timestamp_utc_naive,
)
from kpis.timeseries import _is_quiet

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

MIN_TREND_POINTS = 3
# Projected progress from which a miss is close enough to be worth saving: "at risk".
AT_RISK_PROJECTED = 0.75
# Fallback without a trend: how far behind the schedule (in progress) still counts as at risk.
AT_RISK_LAG = 0.25


@dataclass(frozen=True)
class ObjectiveResult:
    """Where an objective stands; see the module docstring for the exact rules.

    ``current`` is the aggregated KPI value (None when there is none); ``as_of_period`` the
    start of the last complete period it reads (None with no data); ``progress`` the share of
    the way from baseline to target (None when undefined); ``expected_progress`` the share of
    the time from start to due gone by ``as_of``; ``projected`` the trend's value for the due
    date (None without enough points); ``status`` one of :data:`STATUSES`; ``direction``
    ``"up"`` or ``"down"``; ``explanation`` one sentence for a manager.
    """

    current: float | None
    as_of_period: pd.Timestamp | None
    progress: float | None
    expected_progress: float
    projected: float | None
    status: str
    direction: str
    explanation: str
    # The measured value at the end of each complete period since the start (columns date,
    # value); not compared, since DataFrames have no single truth value.
    trajectory: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["date", "value"]), compare=False
    )


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
) -> ObjectiveResult:
    """Evaluate one objective on its KPI's per-period table (rules: see the module docstring).

    ``series`` has columns ``period_start`` and ``value`` for ``period_for(aggregation)``;
    a table recorded or recognisable as another period kind is rejected with ``ValueError``,
    because its values would silently be read as the wrong periods. ``unit`` (e.g. the KPI's
    unit) only decorates the explanation.
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
    values = _period_values(series, period, _first_needed(name, period, start_day, end), end)

    current, as_of_period = _current(name, values, period, start_day, end)
    trajectory = _trajectory(name, values, period, start_day, end)
    progress = None
    if current is not None and target != baseline:
        progress = (current - baseline) / (target - baseline)

    def result(status: str, projected: float | None = None) -> ObjectiveResult:
        text = _explain(
            status,
            current,
            period,
            (baseline, target, due_day),
            progress,
            expected,
            projected,
            after_due,
            unit,
        )
        return ObjectiveResult(
            current=current,
            as_of_period=as_of_period,
            progress=progress,
            expected_progress=expected,
            projected=projected,
            status=status,
            direction=direction,
            explanation=text,
            trajectory=trajectory,
        )

    if current is None:
        return result("no data")
    projected = _projection(trajectory, start_day, due_day)
    if _reached(current, target, direction):
        return result("met", projected)
    if after_due:
        return result("missed", projected)
    if projected is not None:
        if _reached(projected, target, direction):
            return result("on track", projected)
        if target != baseline:
            projected_progress = (projected - baseline) / (target - baseline)
            if projected_progress >= AT_RISK_PROJECTED:
                return result("at risk", projected)
        return result("off track", projected)
    if progress is not None and progress >= expected:
        return result("on track")
    if progress is not None and progress >= expected - AT_RISK_LAG:
        return result("at risk")
    return result("off track")


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
    for missing in index[~index.isin(table.index)]:
        # Same rule as latest_change: quiet periods outside the data span take the fill value.
        if _is_quiet(missing, series.attrs):
            values[missing] = float(series.attrs["fill_value"])
    values.index = pd.DatetimeIndex(values.index).astype(DATETIME_UNIT)
    return values


def _year_start(end: pd.Timestamp) -> pd.Timestamp:
    # The year of the last complete day: on 1 January the year just ended is still the one
    # with complete data, and a sum_ytd objective judged on 31 December must read its own year.
    return pd.Timestamp(year=(end - _ONE_DAY).year, month=1, day=1).as_unit("ns")


def _rolling(name: str, weeks: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> float | None:
    """The rolling aggregation as of ``end`` (exclusive) over the complete weekly values."""
    window = weeks[weeks.index < period_floor(end, "week")]
    if name in ("median_90d", "mean_90d"):
        window = window[window.index >= end - _WINDOW_90D]
    elif name == "sum_ytd":
        window = window[window.index >= _year_start(end)]
    else:  # sum_since_start
        window = window[window.index >= start]
    window = window.dropna()
    if window.empty:
        return None
    if name == "median_90d":
        return float(window.median())
    if name == "mean_90d":
        return float(window.mean())
    return float(window.sum())


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


def _trajectory(
    name: str, values: pd.Series, period: Period, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """The measured value (the aggregation itself for rolling ones) at the end of each complete
    period since the start: what the trend is fitted to, and what a chart of the objective shows.
    """
    first = period_floor(start, period)
    starts = values.index[(values.index >= first) & (values.index < period_floor(end, period))]
    points: list[tuple[pd.Timestamp, float]] = []
    for period_start in starts:
        known_on = shift(period_start, period, 1)  # the day after the period's last day
        if name in _ROLLING:
            value = _rolling(name, values, start, known_on)
        else:
            value = float(values[period_start])
        if value is not None and not math.isnan(value):
            points.append((known_on, value))
    return pd.DataFrame(points, columns=["date", "value"]).astype(
        {"date": DATETIME_UNIT, "value": "float64"}
    )


def _projection(trajectory: pd.DataFrame, start: pd.Timestamp, due: pd.Timestamp) -> float | None:
    """The least-squares line's value on the due date, or None with too few points."""
    if len(trajectory) < MIN_TREND_POINTS:
        return None
    x = np.array([(day - start).days for day in trajectory["date"]], dtype="float64")
    y = trajectory["value"].to_numpy(dtype="float64")
    if np.ptp(x) == 0:  # cannot happen with distinct periods; guards polyfit all the same
        return None
    slope, intercept = np.polyfit(x, y, 1)
    return float(intercept + slope * (due - start).days)


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
    status: str,
    current: float | None,
    period: Period,
    objective: tuple[float, float, pd.Timestamp],
    progress: float | None,
    expected: float,
    projected: float | None,
    after_due: bool,
    unit: str | None,
) -> str:
    baseline, target, due = objective
    due_text = f"{due:%Y-%m-%d}"
    goal = f"target {_with_unit(_number(target), unit)} by {due_text}"
    if status == "no data" or current is None:
        return f"No value for the last complete {period} yet, {goal}: no data."
    now = _with_unit(f"{current:,.1f}", unit)
    when = "on the due date" if after_due else "now"
    if status in ("met", "missed"):
        return f"{now} {when}, {goal}: {status}."
    way = (
        f"{progress:.0%} of the way from {_number(baseline)} to {_number(target)}"
        if progress is not None
        else f"starting from {_number(baseline)}"
    )
    schedule = f"with {expected:.0%} of the time gone"
    if projected is None:
        return f"{now} now, {way} {schedule} (too few points for a trend), {goal}: {status}."
    trend = _with_unit(f"{projected:,.1f}", unit)
    return f"{now} now, {way} {schedule}; the trend points to {trend} by {due_text}: {status}."
