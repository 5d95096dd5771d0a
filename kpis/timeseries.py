"""Turn a KPI into a gap-free per-period table, and read the latest complete change from it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpis.periods import (
    DATETIME_UNIT,
    Period,
    check_period,
    infer_period,
    period_floor,
    period_range,
    shift,
)
from kpis.registry import get
from kpis.schema import Frames, check_columns

SERIES_COLUMNS: tuple[str, str] = ("period_start", "value")


def _table(index: pd.DatetimeIndex, values: Any, attrs: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "period_start": pd.DatetimeIndex(index).astype(DATETIME_UNIT),
            "value": pd.Series(values, dtype="float64").to_numpy(),
        }
    )
    # attrs let latest_change() know the period kind, and what quiet periods outside the
    # table are worth, without the caller repeating it.
    table.attrs.update(attrs)
    return table


def series(
    kpi_id: str,
    frames: Frames,
    period: Period,
    start: Any = None,
    end: Any = None,
    *,
    calendar: Any = None,
) -> pd.DataFrame:
    """One row per period with columns ``period_start`` (tz-naive UTC date) and ``value``.

    ``calendar`` (a :class:`kpis.business_time.BusinessCalendar` or ``Calendars``) asks a
    KPI that measures hours (``kpi.business_time``) to count business hours instead.

    Rows run from the period containing ``start`` to the one containing ``end``, both
    inclusive (timestamp-likes; naive values are read as UTC). A missing ``start`` or
    ``end`` defaults to the first or last period in which the KPI has data, but never past
    the other bound; with neither bound and no data the table is empty. Periods without
    activity get the KPI's ``fill_value`` (0 for counts, NaN where undefined).

    The same as ``series_between(periodic_values(...), start, end)``: a caller asking for
    several ranges of one KPI computes it once (ospo_metrics/read/memo.py does).
    """
    return series_between(periodic_values(kpi_id, frames, period, calendar=calendar), start, end)


def periodic_values(
    kpi_id: str, frames: Frames, period: Period, *, calendar: Any = None
) -> pd.Series:
    """The KPI's value in every period that has data (the costly part of :func:`series`),
    with what :func:`series_between` needs to shape a table of any range in ``attrs``."""
    kpi = get(kpi_id)
    period = check_period(period)
    if period not in kpi.periods:
        raise ValueError(f"KPI {kpi_id!r} is not available per {period}")
    check_columns(frames, kpi.needs)

    if calendar is None:
        raw = kpi.compute(frames, period)
    elif kpi.business_time:  # hours in business time, on request
        raw = kpi.compute(frames, period, calendar=calendar)
    else:
        raise ValueError(f"KPI {kpi_id!r} is not measured in hours: no business-time variant")
    raw.index = pd.DatetimeIndex(raw.index).astype(DATETIME_UNIT)
    raw.attrs = {
        "kpi_id": kpi_id,
        "period": period,
        "fill_value": kpi.fill_value,
        "data_first": raw.index.min() if len(raw) else None,
        "data_last": raw.index.max() if len(raw) else None,
    }
    return raw


def series_between(raw: pd.Series, start: Any = None, end: Any = None) -> pd.DataFrame:
    """The :func:`series` table of ``raw`` (from :func:`periodic_values`) from the period
    containing ``start`` to the one containing ``end``."""
    attrs = dict(raw.attrs)
    period = attrs["period"]
    first = period_floor(start, period) if start is not None else None
    last = period_floor(end, period) if end is not None else None
    if first is not None and last is not None and first > last:
        raise ValueError(f"start ({start}) is after end ({end})")
    if first is None:
        first = raw.index.min() if len(raw) else last
        if last is not None and first is not None:
            first = min(first, last)
    if last is None:
        last = raw.index.max() if len(raw) else first
        if first is not None and last is not None:
            last = max(first, last)
    if first is None or last is None:
        return _table(pd.DatetimeIndex([]), [], attrs)

    index = period_range(first, last, period)
    values = raw.reindex(index, fill_value=attrs["fill_value"])
    return _table(index, values.to_numpy(), attrs)


@dataclass(frozen=True)
class Change:
    """The last complete period's value and its change against the period before it.

    ``value``/``previous`` are None where the value is undefined (NaN) or unknown (a period
    the caller cut out of the table); ``delta`` is None unless both are known.
    ``period_start`` is the start of the last complete period, or None when the period kind
    could not be determined.
    """

    value: float | None
    previous: float | None
    delta: float | None
    period_start: pd.Timestamp | None


def _value_at(table: pd.DataFrame, period_start: pd.Timestamp, attrs: dict) -> float | None:
    hits = table.loc[table["period_start"] == period_start, "value"]
    if not hits.empty:
        value = float(hits.iloc[-1])
    elif _is_quiet(period_start, attrs):
        value = float(attrs["fill_value"])
    else:
        return None
    return None if math.isnan(value) else value


def _is_quiet(period_start: pd.Timestamp, attrs: dict) -> bool:
    """Whether a period missing from a :func:`series` table is known to have had no input.

    The default table stops at the last period with data, so "last week" is often just past
    its end; a period outside the span of the KPI's data had no activity and is worth the
    KPI's fill value (0 for counts). Inside that span a missing row means the caller cut the
    range, and the value is unknown.
    """
    if "fill_value" not in attrs:
        return False
    first, last = attrs.get("data_first"), attrs.get("data_last")
    if first is None or last is None:
        return True
    return period_start < first or period_start > last


def latest_change(df: pd.DataFrame, as_of: Any, period: Period | None = None) -> Change:
    """Value of the last period that ended at or before ``as_of``, and its change.

    The period containing ``as_of`` is still running, so it is skipped: with weekly data
    and ``as_of`` on a Wednesday the result describes last week versus the week before.
    ``period`` defaults to the kind recorded by :func:`series` (or guessed from the row
    spacing). Quiet periods just past the end of a :func:`series` table (which stops at the
    last period with data) take the KPI's fill value, so a week without commits reads 0.
    """
    kind = period or df.attrs.get("period")
    if kind is None and "period_start" in df.columns:
        kind = infer_period(df["period_start"])
    if kind is None:
        if df.empty:
            return Change(None, None, None, None)
        raise ValueError("cannot tell the period kind of this table; pass period=...")
    kind = check_period(kind)

    current = period_floor(as_of, kind)
    target = shift(current, kind, -1)
    before = shift(target, kind, -1)
    table = df.loc[:, ["period_start", "value"]].copy()
    table["period_start"] = pd.to_datetime(table["period_start"]).astype(DATETIME_UNIT)

    value = _value_at(table, target, df.attrs)
    previous = _value_at(table, before, df.attrs)
    delta = value - previous if value is not None and previous is not None else None
    return Change(value=value, previous=previous, delta=delta, period_start=target)


def coverage_at(kpi_id: str, frames: Frames, period: Period, period_start: Any) -> float | None:
    """The affiliation coverage (%) behind a KPI's value for the period starting at
    `period_start`: None when the KPI does not depend on affiliation or the period has no
    input."""
    kpi = get(kpi_id)
    if kpi.coverage is None or period_start is None:
        return None
    table = series(kpi.coverage, frames, period, start=period_start, end=period_start)
    value = table["value"].iloc[0] if len(table) else math.nan
    return None if math.isnan(value) else float(value)


def with_coverage(kpi_id: str, frames: Frames, table: pd.DataFrame, period: Period) -> pd.DataFrame:
    """`table` (a KPI series) with an `affiliation_coverage` column when the KPI depends on
    affiliation, aligned on period_start; unchanged otherwise."""
    kpi = get(kpi_id)
    if kpi.coverage is None or table.empty:
        return table
    start, end = table["period_start"].min(), table["period_start"].max()
    coverage = series(kpi.coverage, frames, period, start=start, end=end)
    out = table.merge(
        coverage.rename(columns={"value": "affiliation_coverage"}), on="period_start", how="left"
    )
    out.attrs.update(table.attrs)
    return out
