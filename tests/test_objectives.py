"""Objectives evaluated on their own KPI and scope, through the CLI and the service."""

from __future__ import annotations

import pandas as pd
from frame_rows import commit_row

from kpis.schema import Frames, commits_frame
from ospo_metrics.config import config_from_mapping
from ospo_metrics.objectives import evaluate_objectives, objectives_table


def test_each_objective_reads_its_own_scope_and_sorts_worst_first() -> None:
    rows = [commit_row(f"c{m}", f"2026-0{m}-10", m, repo="acme/cloud-a") for m in range(1, 7)]
    rows += [commit_row(f"w{m}", f"2026-0{m}-11", 10 + m, repo="acme/web") for m in range(1, 7)]
    rows += [commit_row(f"x{m}", f"2026-0{m}-12", 20 + m, repo="acme/web") for m in range(1, 7)]
    frames = Frames(commits=commits_frame(rows))
    config = config_from_mapping(
        {
            "groups": {"cloud": ["acme/cloud-*"]},
            "objectives": [
                {
                    "id": "cloud-commits",
                    "title": "Cloud commits",
                    "kpi": "commits",
                    "scope": "group:cloud",
                    "aggregation": "sum_since_start",
                    "baseline": {"value": 0, "date": "2026-01-01"},
                    "target": 4,
                    "due": "2026-12-31",
                },
                {
                    "id": "web-commits",
                    "title": "Web commits",
                    "kpi": "commits",
                    "scope": "repo:acme/web",
                    "aggregation": "sum_since_start",
                    "baseline": {"value": 0, "date": "2026-01-01"},
                    "target": 100,
                    "due": "2026-12-31",
                },
                {
                    "id": "contributors",
                    "title": "Contributors",
                    "kpi": "active_contributors",
                    "scope": "all",
                    "aggregation": "latest",
                    "baseline": {"value": 1, "date": "2026-01-01"},
                    "target": 3,
                    "due": "2026-12-31",
                },
            ],
        }
    )
    groups = {"cloud": ["acme/cloud-*"]}
    views = evaluate_objectives(
        list(config.objectives), frames, groups, pd.Timestamp("2026-07-15", tz="UTC")
    )
    table = objectives_table(views).set_index("objective")
    # Cloud: one commit a month Jan..Jun in acme/cloud-a only -> complete weeks since the start
    # hold 6 commits >= target 4: met. All repositories in June: 3 people -> target 3: met.
    assert table.loc["cloud-commits", "current"] == 6
    assert table.loc["cloud-commits", "status"] == "met"
    assert table.loc["contributors", "current"] == 3
    assert table.loc["contributors", "status"] == "met"
    assert table.loc["contributors", "progress_pct"] == 100.0
    # Web: 2 commits a month Jan..Jun = 12 of 100 with about half the year gone; a steady
    # 2 a month projects to about 24 by the end of December: off track, listed first.
    assert table.loc["web-commits", "current"] == 12
    assert table.loc["web-commits", "status"] == "off track"
    assert table.index[0] == "web-commits"
