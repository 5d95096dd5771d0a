"""Calendar periods (ISO weeks starting Monday, months, quarters), always on the UTC calendar.

Every KPI buckets its events with :func:`bucket`, so a timestamp lands in the same period
for every KPI, page, CLI run and CSV export. Period starts are tz-naive ``datetime64[ns]``
values holding the UTC calendar date of the period's first day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

Period = Literal["week", "month", "quarter"]
PERIODS: tuple[Period, ...] = get_args(Period)

# pandas period aliases: weeks *ending* Sunday are weeks *starting* Monday.
_PANDAS_FREQ: dict[str, str] = {"week": "W-SUN", "month": "M", "quarter": "Q-DEC"}
_STEP: dict[str, pd.DateOffset] = {
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
}
# One resolution everywhere: pandas 3 infers "us" or "s" from inputs, and mixing units
# makes reindexing and equality checks between frames needlessly fragile.
DATETIME_UNIT = "datetime64[ns]"
# While set (see `one_window`), `bucket` maps [start, end) to start and all else to NaT.
_WINDOW: ContextVar[tuple[np.datetime64, np.datetime64] | None] = ContextVar(
    "kpi_window", default=None
)


def check_period(period: str) -> Period:
    """Return ``period`` unchanged if it is a known period kind, else raise ``ValueError``."""
    if period not in _PANDAS_FREQ:
        raise ValueError(f"unknown period {period!r}; expected one of {', '.join(PERIODS)}")
    return period  # type: ignore[return-value]


def to_utc_naive(values: pd.Series) -> pd.Series:
    """Convert timestamps to tz-naive UTC wall time (naive input is taken to be UTC already)."""
    # utc=True converts aware values (any offset, even mixed offsets) and localizes naive ones.
    return pd.to_datetime(values, utc=True).dt.tz_localize(None).astype(DATETIME_UNIT)


def timestamp_utc_naive(value: Any) -> pd.Timestamp:
    """Convert one timestamp-like value (str, date, datetime, Timestamp) to tz-naive UTC."""
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        raise ValueError(f"not a timestamp: {value!r}")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.tz_localize(None).as_unit("ns")


def bucket(values: pd.Series, period: Period) -> pd.Series:
    """Map each timestamp to the start of its period (NaT stays NaT).

    Calendar arithmetic on numpy datetimes (a million rows in milliseconds): the day of a
    timestamp minus its weekday (1970-01-01 was a Thursday), its month, or its month rounded
    down to January, April, July or October. The same starts as pandas' weekly (W-SUN),
    monthly and quarterly (Q-DEC) periods, which `period_floor` uses for single values.
    """
    check_period(period)
    stamps = to_utc_naive(values).to_numpy()
    missing = np.isnat(stamps)
    window = _WINDOW.get()
    if window is not None:
        first, end = window
        inside = ~missing & (stamps >= first) & (stamps < end)
        starts = np.where(inside, first, np.datetime64("NaT")).astype(DATETIME_UNIT)
        return pd.Series(starts, index=values.index, name=values.name)
    if period == "week":
        days = stamps.astype("datetime64[D]")
        monday_based = (days.view("int64") + 3) % 7  # numpy's % is never negative here
        starts = days - monday_based.astype("timedelta64[D]")
    else:
        months = stamps.astype("datetime64[M]")
        if period == "quarter":
            number = months.view("int64")
            months = (number - number % 3).astype("datetime64[M]")
        starts = months
    starts = starts.astype(DATETIME_UNIT)
    starts[missing] = np.datetime64("NaT")
    return pd.Series(starts, index=values.index, name=values.name)


@contextmanager
def one_window(start: Any, end: Any) -> Iterator[pd.Timestamp]:
    """Inside this block `bucket` has one period, [start, end): every KPI that buckets its
    events computes its value over that window (a year to date, a trailing 12 months) with its
    own definition; yields the window's start, the period it reports under."""
    first, last = timestamp_utc_naive(start), timestamp_utc_naive(end)
    if first >= last:
        raise ValueError(f"window start ({start}) is not before its end ({end})")
    token = _WINDOW.set((first.to_datetime64(), last.to_datetime64()))
    try:
        yield first
    finally:
        _WINDOW.reset(token)


def period_floor(value: Any, period: Period) -> pd.Timestamp:
    """Start of the period containing one timestamp-like value."""
    freq = _PANDAS_FREQ[check_period(period)]
    return timestamp_utc_naive(value).to_period(freq).start_time.as_unit("ns")


def shift(period_start: pd.Timestamp, period: Period, n: int = 1) -> pd.Timestamp:
    """Start of the period ``n`` periods after (negative: before) ``period_start``."""
    return (pd.Timestamp(period_start) + n * _STEP[check_period(period)]).as_unit("ns")


def period_range(start: pd.Timestamp, end: pd.Timestamp, period: Period) -> pd.DatetimeIndex:
    """Starts of every period from the one containing ``start`` to the one containing ``end``."""
    freq = _PANDAS_FREQ[check_period(period)]
    periods = pd.period_range(start=start, end=end, freq=freq)
    return pd.DatetimeIndex(periods.start_time, name="period_start").astype(DATETIME_UNIT)


def infer_period(period_starts: pd.Series) -> Period | None:
    """Guess the period kind from the spacing of consecutive period starts, if possible."""
    starts = pd.Series(pd.to_datetime(period_starts)).dropna().sort_values().drop_duplicates()
    if len(starts) < 2:
        return None
    days = (starts.iloc[1] - starts.iloc[0]).days
    if days == 7:
        return "week"
    if 28 <= days <= 31:
        return "month"
    if 89 <= days <= 92:
        return "quarter"
    return None
