"""KPI snapshots: values as they were reported on a day, so 'since last week' compares like
with like and can tell re-collected history from new activity.

A series recomputed today can differ from last week's (late-arriving data, a re-collection, a
new affiliation rule, answers that came later). A snapshot keeps, for every KPI and snapshot
scope (all, each organization, each group), the last :data:`SNAPSHOT_PERIODS` complete periods
as computed on the day it was taken, plus states a KPI series cannot hold: which repositories
are archived and each objective's status. One snapshot per day: taking it again the same day
overwrites that day's rows (`collect` takes one after every collection).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import pandas as pd

import kpis
from kpis.periods import period_floor, shift
from kpis.schema import OWNED, Frames
from ospo_metrics.context import Context
from ospo_metrics.read import context_frames, scoped_frames, series
from ospo_metrics.store import replace_snapshot, utcnow

SNAPSHOT_PERIODS = 8
STATE = "state"  # the `period` of rows that record a state on the day taken
ARCHIVED = "archived"  # kpi of a state row: the repository (scope repo:X) is archived
OBJECTIVE = "objective_status"  # kpi of a state row: scope objective:ID, value = status index


def snapshot_scopes(context: Context) -> list[str]:
    """The scopes a snapshot covers: all, each configured organization and each group."""
    orgs = [f"org:{login}" for login in context.config.organizations]
    return ["all", *orgs, *(f"group:{name}" for name in context.groups)]


def status_index(status: str) -> float:
    from kpis.objectives import STATUSES

    return float(STATUSES.index(status))


def snapshot_rows(
    context: Context,
    frames: Frames,
    taken_on: date,
    now: pd.Timestamp,
    period: str = "week",
    scopes: Sequence[str] | None = None,
) -> list[dict]:
    """The rows of one snapshot of `frames` taken on `taken_on` (complete periods before `now`)."""
    from ospo_metrics.objectives import evaluate_objectives

    computed_at = utcnow()
    last = shift(period_floor(now, period), period, -1)  # the last complete period
    first = shift(last, period, -(SNAPSHOT_PERIODS - 1))
    rows: list[dict] = []

    def row(kpi: str, scope: str, kind: str, start: date, value: float | None) -> None:
        clean = None if value is None or math.isnan(value) else float(value)
        rows.append(
            {
                "kpi": kpi,
                "scope": scope,
                "period": kind,
                "period_start": start,
                "taken_on": taken_on,
                "value": clean,
                "computed_at": computed_at,
            }
        )

    for scope in scopes or snapshot_scopes(context):
        scoped = scoped_frames(frames, scope, context.groups)
        for kpi in kpis.REGISTRY.values():
            if period not in kpi.periods:
                continue
            for record in series(kpi.id, scoped, period, first, last).itertuples(index=False):
                row(kpi.id, scope, period, pd.Timestamp(record.period_start).date(), record.value)
    details = frames.repository_details
    archived = details[(details["relationship"] == OWNED) & details["is_archived"]]
    for repo in sorted(set(archived["repo"])):
        row(ARCHIVED, f"repo:{repo}", STATE, taken_on, 1.0)
    for view in evaluate_objectives(list(context.config.objectives), frames, context.groups, now):
        row(
            OBJECTIVE,
            f"objective:{view.objective.id}",
            STATE,
            taken_on,
            status_index(view.result.status),
        )
    return rows


def store_snapshots(
    context: Context,
    period: str = "week",
    *,
    frames: Frames | None = None,
    now: pd.Timestamp | None = None,
) -> int:
    """Take today's snapshot (or the one of `now`'s day, of `frames` as they were then);
    returns the rows written. Idempotent per day: the same day's rows are overwritten."""
    now = now if now is not None else pd.Timestamp.now("UTC")
    frames = frames if frames is not None else context_frames(context)
    return replace_snapshot(
        context.engine, now.date(), snapshot_rows(context, frames, now.date(), now, period)
    )
