"""The stored KPI snapshots (see ospo_metrics/snapshots.py), for the What changed page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import Engine, select

from ospo_metrics.models import KPISnapshot

SNAPSHOT_COLUMNS = ("kpi", "scope", "period", "period_start", "taken_on", "value")


def load_snapshots(
    engine: Engine, scopes: Sequence[str] | None = None, since: date | None = None
) -> pd.DataFrame:
    """Snapshot rows (of these scopes, taken on or after `since`); dates as Timestamps."""
    statement = select(*(getattr(KPISnapshot, c) for c in SNAPSHOT_COLUMNS))
    if scopes is not None:
        statement = statement.where(KPISnapshot.scope.in_(list(scopes)))
    if since is not None:
        statement = statement.where(KPISnapshot.taken_on >= since)
    with engine.connect() as connection:
        rows = connection.execute(statement).fetchall()
    frame = pd.DataFrame(rows, columns=list(SNAPSHOT_COLUMNS))
    for column in ("period_start", "taken_on"):
        frame[column] = pd.to_datetime(frame[column])
    frame["value"] = frame["value"].astype("float64")
    return frame
