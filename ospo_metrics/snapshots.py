"""KPI snapshots: values frozen when computed, so 'since last week' compares like with like.

A series recomputed today can differ from last week's (late-arriving data, a new affiliation
rule); snapshots keep what was reported. One row per KPI, scope, period kind and period start,
overwritten by later snapshots of the same period.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy.orm import Session

import kpis
from ospo_metrics.context import Context
from ospo_metrics.models import KPISnapshot
from ospo_metrics.read import context_frames, scoped_frames, series
from ospo_metrics.store import upsert, utcnow


def store_snapshots(context: Context, period: str) -> int:
    """Snapshot every KPI for every scope (all and each group); returns the rows written."""
    frames = context_frames(context)
    scopes = ["all", *(f"group:{name}" for name in context.groups)]
    now = utcnow()
    rows = []
    for scope in scopes:
        scoped = scoped_frames(frames, scope, context.groups)
        for kpi in kpis.REGISTRY.values():
            for record in series(kpi.id, scoped, period).itertuples(index=False):
                value = float(record.value)
                rows.append(
                    {
                        "kpi": kpi.id,
                        "scope": scope,
                        "period": period,
                        "period_start": pd.Timestamp(record.period_start).date(),
                        "value": None if math.isnan(value) else value,
                        "computed_at": now,
                    }
                )
    with Session(context.engine) as session, session.begin():
        for start in range(0, len(rows), 1000):
            upsert(
                session,
                KPISnapshot,
                rows[start : start + 1000],
                ["kpi", "scope", "period", "period_start"],
            )
    return len(rows)
