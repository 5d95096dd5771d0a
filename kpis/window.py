"""A KPI's value over any window of time: a named quarter, a year to date, a trailing year.

The value comes from the KPI's own definition (its registry `compute`), run while
:func:`kpis.periods.one_window` makes the window the only period: counts count the window's
events, distinct counts count each person or project once over the whole window (not the sum of
its months), medians take the window's items. KPIs that describe a state rather than events
(compliance coverage, Scorecard scores: they read moments, not buckets) give their value at the
end of the window instead.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kpis.periods import DATETIME_UNIT, one_window, timestamp_utc_naive
from kpis.registry import get
from kpis.schema import Frames, check_columns


def window_value(kpi_id: str, frames: Frames, start: Any, end: Any) -> float | None:
    """The KPI over [start, end) (UTC; naive values are UTC); None where it is undefined."""
    kpi = get(kpi_id)
    check_columns(frames, kpi.needs)
    with one_window(start, end) as first:
        raw = kpi.compute(frames, "month")
    index = pd.DatetimeIndex(raw.index).astype(DATETIME_UNIT)
    if len(raw) and (index != first).any():
        # A state KPI (it never bucketed): its last month starting before the window's end.
        last = timestamp_utc_naive(end) - pd.Timedelta(1, "ns")
        before = raw[index <= last]
        value = float(before.iloc[-1]) if len(before) else math.nan
    else:
        hits = raw[index == first]
        value = float(hits.iloc[0]) if len(hits) else float(kpi.fill_value)
    return None if math.isnan(value) else value
