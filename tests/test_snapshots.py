"""KPI snapshots: one per day, on SQLite and PostgreSQL; what a snapshot holds."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import kpis
from kpis.schema import frame
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.models import KPISnapshot
from ospo_metrics.read import load_snapshots
from ospo_metrics.snapshots import ARCHIVED, SNAPSHOT_PERIODS, STATE, store_snapshots

T = pd.Timestamp
NOW = T("2026-03-11T09:00Z")  # a Wednesday: the last complete week starts Monday 2026-03-02


def commit(day: str, author: int) -> dict:
    return {
        "repo": "acme/a",
        "authored_at": f"{day}T12:00:00Z",
        "author_id": author,
        "is_bot": False,
        "is_merge": False,
        "organization": "Acme",
        "is_employee": True,
        "signed_off": False,
        "relationship": "owned",
    }


def details(archived: bool) -> pd.DataFrame:
    return frame(
        "repository_details",
        [
            {
                "repo": "acme/a",
                "relationship": "owned",
                "is_archived": archived,
                "is_fork": False,
                "created_at": T("2025-01-01", tz="UTC"),
                "pushed_at": pd.NaT,
                "topics": "",
                "stale_after_days": 180.0,
                "stale_exempt_until": pd.NaT,
                "stale_exempt_reason": None,
            }
        ],
    )


FRAMES = kpis.Frames(
    commits=kpis.commits_frame(
        [commit("2026-02-24", 1), commit("2026-03-03", 1), commit("2026-03-04", 2)]
    ),
    repository_details=details(archived=True),
)


def context(engine, url: str) -> Context:
    config = config_from_mapping({"groups": {"core": ["acme/*"]}})
    return Context(config=config, engine=engine, database_url=url)


def stored(engine) -> list[tuple]:
    with Session(engine) as session:
        return session.execute(
            select(
                KPISnapshot.kpi,
                KPISnapshot.scope,
                KPISnapshot.period,
                KPISnapshot.period_start,
                KPISnapshot.taken_on,
                KPISnapshot.value,
            ).order_by(KPISnapshot.id)
        ).all()


def test_one_snapshot_per_day(engine, db_url):
    ctx = context(engine, db_url)
    first = store_snapshots(ctx, frames=FRAMES, now=NOW)
    rows = stored(engine)
    weekly = [k for k in kpis.REGISTRY.values() if "week" in k.periods]
    assert first == len(rows) == 2 * len(weekly) * SNAPSHOT_PERIODS + 1  # + the archived state
    # Again the same day, later: the same rows, not twice as many.
    assert store_snapshots(ctx, frames=FRAMES, now=NOW + pd.Timedelta(hours=5)) == first
    again = stored(engine)
    assert sorted(r[:5] for r in again) == sorted(r[:5] for r in rows)
    # Un-archived the same day: that day's state row goes too (the day is replaced).
    unarchived = dataclasses.replace(FRAMES, repository_details=details(archived=False))
    store_snapshots(ctx, frames=unarchived, now=NOW + pd.Timedelta(hours=6))
    assert not [r for r in stored(engine) if r[0] == ARCHIVED]
    # The next day is a snapshot of its own; the day before keeps what it reported.
    store_snapshots(ctx, frames=FRAMES, now=NOW + pd.Timedelta(days=1))
    days = {r[4] for r in stored(engine)}
    assert days == {date(2026, 3, 11), date(2026, 3, 12)}
    loaded = load_snapshots(engine, scopes=["group:core"])
    commits = loaded[(loaded["kpi"] == "commits") & (loaded["taken_on"] == T("2026-03-11"))]
    by_week = dict(zip(commits["period_start"].dt.strftime("%m-%d"), commits["value"], strict=True))
    # The last 8 complete weeks: 2026-01-12 .. 2026-03-02 (the running week is never stored).
    assert len(by_week) == SNAPSHOT_PERIODS
    assert by_week["02-23"] == 1.0 and by_week["03-02"] == 2.0 and by_week["01-12"] == 0.0
    states = loaded[loaded["period"] == STATE]
    assert states.empty  # state rows belong to their own scope (repo:..., objective:...)
