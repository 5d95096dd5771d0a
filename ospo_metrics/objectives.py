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
from ospo_metrics.queries import scoped_frames


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
        series = kpis.series(kpi.id, scoped, period_for(objective.aggregation), end=as_of)
        result = evaluate(
            series,
            baseline=objective.baseline.value,
            target=objective.target,
            start=objective.start_date,
            due=objective.due,
            as_of=as_of,
            aggregation=objective.aggregation,
            unit=kpi.unit,
        )
        views.append(ObjectiveView(objective, result, series, kpi.unit))
    return sorted(views, key=lambda view: status_rank(view.result.status))


def objectives_table(views: list[ObjectiveView]) -> pd.DataFrame:
    """One row per objective: baseline -> current -> target, progress and status."""
    return pd.DataFrame(
        [
            {
                "objective": view.objective.id,
                "title": view.objective.title,
                "status": view.result.status,
                "kpi": view.objective.kpi,
                "scope": view.objective.scope,
                "baseline": view.objective.baseline.value,
                "current": _rounded(view.result.current),
                "target": view.objective.target,
                "unit": view.unit,
                "progress_pct": None
                if view.result.progress is None
                else round(100 * view.result.progress, 1),
                "time_elapsed_pct": round(100 * view.result.expected_progress, 1),
                "projected": _rounded(view.result.projected),
                "due": view.objective.due,
                "goal": view.objective.goal,
                "explanation": view.result.explanation,
            }
            for view in views
        ],
        columns=[
            "objective",
            "title",
            "status",
            "kpi",
            "scope",
            "baseline",
            "current",
            "target",
            "unit",
            "progress_pct",
            "time_elapsed_pct",
            "projected",
            "due",
            "goal",
            "explanation",
        ],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
