"""Strategic objectives from the configuration, evaluated on their KPI and scope.

The evaluation itself is pure (`kpis.objectives.evaluate`); this module only picks each
objective's KPI series on its scope and puts the results in one table for pages and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

import kpis
from kpis.objectives import ObjectiveResult, evaluate, period_for, status_rank
from kpis.schema import Frames
from ospo_metrics.config import Objective
from ospo_metrics.read.memo import computed, scoped_frames, series
from ospo_metrics.strategy.goals import goal_of


@dataclass(frozen=True)
class ObjectiveView:
    objective: Objective
    result: ObjectiveResult
    series: pd.DataFrame  # the KPI series the result was computed from
    unit: str


def evaluate_objectives(
    objectives: list[Objective],
    frames: Frames,
    groups: dict[str, list[str]],
    as_of: pd.Timestamp,
) -> list[ObjectiveView]:
    """Every objective with its current value, progress and status, worst first."""
    views = []
    for objective in objectives:
        kpi = kpis.get(objective.kpi)
        scoped = scoped_frames(frames, objective.scope, groups)
        # The whole history up to today: rolling aggregations look back before the start.
        calendar = None
        if objective.business_hours and objective.config is not None:
            from ospo_metrics.strategy.service_levels import calendars

            calendar = calendars(objective.config, scoped.issues["repo"].unique())
        values = series(
            kpi.id, scoped, period_for(objective.aggregation), end=as_of, calendar=calendar
        )
        result = evaluate(
            values,
            baseline=objective.baseline.value,
            target=objective.target,
            start=objective.start_date,
            due=objective.due,
            as_of=as_of,
            aggregation=objective.aggregation,
            unit=kpi.unit,
            domain=kpi.domain,
        )
        views.append(ObjectiveView(objective, result, values, kpi.unit))
    return sorted(views, key=lambda view: status_rank(view.result.status))


def current_objectives(
    objectives: list[Objective],
    frames: Frames,
    groups: dict[str, list[str]],
    now: pd.Timestamp,
) -> list[ObjectiveView]:
    """`evaluate_objectives` as of the current hour, computed once per data version and hour
    (the time gone towards each due date moves on) and kept with the frames' results."""
    hour = pd.Timestamp(now).floor("h")
    return computed(
        frames, ("objectives", hour), lambda: evaluate_objectives(objectives, frames, groups, now)
    )


TABLE_COLUMNS = [
    "objective",
    "title",
    "status",
    "goal",
    "owner",
    "kpi",
    "scope",
    "baseline",
    "current",
    "target",
    "unit",
    "progress_pct",
    "progress",
    "time_elapsed_pct",
    "projected",
    "forecast_low",
    "forecast_high",
    "probability_pct",
    "trend",
    "due",
    "explanation",
]


def objectives_table(views: list[ObjectiveView]) -> pd.DataFrame:
    """One row per objective: baseline -> current -> target, progress, forecast and status.

    ``progress_pct`` is bounded to 0..100; ``progress`` says it in words ("moved away from
    the target by 30%"); ``forecast_low``/``forecast_high`` is the forecast's 80% range for
    the due date and ``probability_pct`` its chance of reaching the target.
    """
    rows = []
    for view in views:
        result = view.result
        rows.append(
            {
                "objective": view.objective.id,
                "title": view.objective.title,
                "status": result.status,
                "goal": goal_of(view.objective),
                "owner": view.objective.owner,
                "kpi": view.objective.kpi,
                "scope": view.objective.scope,
                "baseline": view.objective.baseline.value,
                "current": _rounded(result.current),
                "target": view.objective.target,
                "unit": view.unit,
                "progress_pct": None
                if result.progress is None
                else round(100 * result.progress, 1),
                "progress": result.progress_text if result.current is not None else None,
                "time_elapsed_pct": round(100 * result.expected_progress, 1),
                "projected": _rounded(result.projected),
                "forecast_low": _rounded(result.forecast_low),
                "forecast_high": _rounded(result.forecast_high),
                "probability_pct": None
                if result.probability is None
                else round(100 * result.probability),
                "trend": result.trend,
                "due": view.objective.due,
                "explanation": result.explanation,
            }
        )
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
