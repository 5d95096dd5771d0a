"""Goals roll up from their objectives; the objective chart names everything it draws."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from frame_rows import commit_row

from kpis.schema import Frames, commits_frame, empty_frames
from ospo_metrics.config import config_from_mapping
from ospo_metrics.strategy.charts import objective_figure
from ospo_metrics.strategy.goals import goal_status, goal_summaries, goal_title
from ospo_metrics.strategy.objectives import evaluate_objectives, objectives_table


def _view(goal: str | None, status: str) -> SimpleNamespace:
    return SimpleNamespace(
        objective=SimpleNamespace(goal=goal), result=SimpleNamespace(status=status)
    )


def test_a_goal_is_as_healthy_as_its_weakest_objective() -> None:
    assert goal_status(["met", "on track", "at risk"]) == "at risk"
    assert goal_status(["met", "met"]) == "met"
    assert goal_status(["met", "no data"]) == "met"  # no data does not decide...
    assert goal_status(["no data", "no data"]) == "no data"  # ...unless nothing has data
    assert goal_status(["on track", "missed", "off track"]) == "missed"


def test_goal_summaries_put_the_book_goals_first_then_themes() -> None:
    views = [
        _view("public-sector", "on track"),
        _view("community", "on track"),
        _view("community", "off track"),
        _view(None, "met"),
    ]
    summaries = goal_summaries(views)
    assert [s.goal for s in summaries] == ["community", "public-sector", "no goal"]
    assert summaries[0].status == "off track"
    assert summaries[0].counts == {"off track": 1, "on track": 1}
    assert goal_title("public-sector") == "Public sector"
    assert goal_title("partner").startswith("Partner:")


OBJECTIVE = {
    "id": "commits",
    "title": "Commits",
    "kpi": "commits",
    "aggregation": "latest_week",
    "baseline": {"value": 2, "date": "2026-01-05"},
    "target": 10,
    "due": "2026-12-31",
    "goal": "community",
    "owner": "jane@example.com",
}


def test_empty_database_is_no_data_not_off_track() -> None:
    config = config_from_mapping({"objectives": [OBJECTIVE]})
    (view,) = evaluate_objectives(
        list(config.objectives), empty_frames(), {}, pd.Timestamp("2026-07-15", tz="UTC")
    )
    assert view.result.status == "no data"
    assert view.result.current is None
    row = objectives_table([view]).iloc[0]
    assert row["status"] == "no data" and row["owner"] == "jane@example.com"
    assert row["goal"] == "community"


def test_chart_has_a_legend_with_baseline_target_band_and_the_due_date() -> None:
    # Weekly commits rising 1, 2, ..., 20 from 2026-01-05 (Mondays).
    rows = [
        commit_row(
            f"c{week}-{n}", str((pd.Timestamp("2026-01-06") + pd.Timedelta(weeks=week)).date()), n
        )
        for week in range(20)
        for n in range(1 + week // 2)
    ]
    config = config_from_mapping({"objectives": [OBJECTIVE]})
    (view,) = evaluate_objectives(
        list(config.objectives),
        Frames(commits=commits_frame(rows)),
        {},
        pd.Timestamp("2026-05-27", tz="UTC"),
    )
    assert view.result.probability is not None
    figure = objective_figure(view)
    names = [trace.name for trace in figure.data]
    assert names == [
        "forecast, 80% range",
        "forecast (median)",
        "measured (commits)",
        "baseline 2",
        "target 10",
    ]
    assert figure.layout.showlegend is True
    assert [a.text for a in figure.layout.annotations] == ["due 2026-12-31"]
    band = view.result.band
    assert (band["low"] >= 0).all() and (band["low"] <= band["high"]).all()
