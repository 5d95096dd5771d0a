"""KPI values shown beside the maturity questions they are evidence for."""

from __future__ import annotations

import pandas as pd

import kpis
from kpis.schema import Frames
from ospo_metrics.formatting import format_value
from ospo_metrics.read.memo import series
from ospo_metrics.strategy.maturity import QUESTIONS


def evidence(frames: Frames, as_of: pd.Timestamp, period: str = "month") -> dict[str, str]:
    """KPI id -> its last complete ``period``'s value, formatted with its unit."""
    out = {}
    for kpi_id in sorted({q.kpi for q in QUESTIONS if q.kpi}):
        kpi = kpis.get(kpi_id)
        change = kpis.latest_change(series(kpi_id, frames, period, end=as_of), as_of)
        if change.value is not None:
            out[kpi_id] = format_value(change.value, kpi.unit)
    return out
