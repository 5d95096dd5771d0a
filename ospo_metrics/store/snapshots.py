"""KPI snapshots are written here: one day's snapshot replaces whatever that day held."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from ospo_metrics.models import KPISnapshot
from ospo_metrics.store.upserts import upsert

SNAPSHOT_KEY = ["kpi", "scope", "period", "period_start", "taken_on"]


def replace_snapshot(engine: Engine, taken_on: date, rows: Sequence[dict]) -> int:
    """Write the snapshot of `taken_on` in one transaction, removing that day's earlier rows
    (a repository un-archived since, an objective removed): idempotent per day."""
    with Session(engine) as session, session.begin():
        session.execute(delete(KPISnapshot).where(KPISnapshot.taken_on == taken_on))
        for start in range(0, len(rows), 1000):
            upsert(session, KPISnapshot, list(rows[start : start + 1000]), SNAPSHOT_KEY)
    return len(rows)
