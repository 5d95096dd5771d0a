"""KPI series as the analyst exports them and the charts draw them: run to today, labelled.

One row per period from the KPI's first period with data to the period containing `as_of`,
filled the KPI's way (0 for counts, empty where undefined), with the columns a spreadsheet
needs to stand on its own: kpi, scope, period, period_start, period_end, value, unit, and
`partial`, True for the period still running (never compare it with complete ones).
"""

from __future__ import annotations

import pandas as pd

import kpis
from kpis.periods import Period, period_floor, shift
from kpis.schema import Frames
from ospo_metrics.read.memo import computed, series

SERIES_EXPORT_COLUMNS = (
    "kpi",
    "scope",
    "period",
    "period_start",
    "period_end",
    "value",
    "unit",
    "partial",
)


def first_activity(frames: Frames) -> pd.Timestamp | None:
    """The earliest commit or issue in the frames: where every series of a scope starts
    (computed once per frames)."""

    def make() -> pd.Timestamp | None:
        starts = [
            frame[column].min()
            for frame, column in ((frames.commits, "authored_at"), (frames.issues, "created_at"))
            if len(frame)
        ]
        starts = [start for start in starts if pd.notna(start)]
        return min(starts) if starts else None

    return computed(frames, ("first_activity",), make)


def kpi_series(
    kpi_id: str,
    frames: Frames,
    scope: str,
    period: Period,
    as_of: pd.Timestamp,
    start: pd.Timestamp | None = None,
    calendar=None,
) -> pd.DataFrame:
    """The KPI's series for `scope`, from `start` (default: the scope's first activity) up to
    and including the running period, which is flagged `partial`; with `calendar`, an hours
    KPI in business hours (kpis.business_time)."""
    kpi = kpis.get(kpi_id)
    start = start if start is not None else first_activity(frames)
    if start is not None and start > as_of:
        start = as_of
    table = series(kpi.id, frames, period, start=start, end=as_of, calendar=calendar)
    if table.empty:
        return pd.DataFrame({column: [] for column in SERIES_EXPORT_COLUMNS})
    starts = pd.to_datetime(table["period_start"])
    running = period_floor(as_of, period)
    ends = [shift(start, period, 1) - pd.Timedelta(days=1) for start in starts]
    return pd.DataFrame(
        {
            "kpi": kpi.id,
            "scope": scope,
            "period": period,
            "period_start": starts.dt.date,
            "period_end": [end.date() for end in ends],
            "value": table["value"].round(4),
            "unit": kpi.unit if calendar is None else "business hours",
            "partial": (starts == running).to_numpy(),
        },
        columns=list(SERIES_EXPORT_COLUMNS),
    )


def all_kpi_series(frames: Frames, scope: str, period: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every KPI's series for one scope, one after the other (the bulk export)."""
    start = first_activity(frames)
    parts = [
        kpi_series(kpi.id, frames, scope, period, as_of, start)
        for kpi in kpis.REGISTRY.values()
        if period in kpi.periods
    ]
    parts = [part for part in parts if len(part)]
    if not parts:
        return pd.DataFrame({column: [] for column in SERIES_EXPORT_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def complete(series: pd.DataFrame) -> pd.DataFrame:
    """The rows of complete periods only."""
    return series[~series["partial"].astype(bool)] if len(series) else series
