"""The executive impact summary and its HTML report, on hand-made frames."""

from __future__ import annotations

import pandas as pd
from frame_rows import commit_row

from kpis.schema import Frames, commits_frame, issues_frame
from ospo_metrics.config import config_from_mapping
from ospo_metrics.objectives import evaluate_objectives
from ospo_metrics.report import impact_summary, render_html

AS_OF = pd.Timestamp("2026-07-15", tz="UTC")


def upstream_pr(number: int, repo: str, author: int, created: str, merged: str | None) -> dict:
    return {
        "repo": repo,
        "number": number,
        "is_pull_request": True,
        "author_id": author,
        "author_login": f"p{author}",
        "author_is_bot": False,
        "author_is_employee": True,
        "state": "merged" if merged else "open",
        "created_at": created,
        "closed_at": merged,
        "merged_at": merged,
        "first_response_at": None,
        "is_draft": False,
        "relationship": "upstream",
    }


FRAMES = Frames(
    # Q1 2026: people 1, 2; Q2 2026: people 1, 2, 3 (Q3 is incomplete on 2026-07-15).
    commits=commits_frame(
        [
            commit_row("a", "2026-02-01", 1),
            commit_row("b", "2026-03-01", 2),
            commit_row("c", "2026-04-01", 1),
            commit_row("d", "2026-05-01", 2),
            commit_row("e", "2026-06-01", 3),
        ]
    ),
    # Merged in Q2: <script>/x #1 and k8s #2; k8s #3 open; Q1: k8s #4 merged.
    issues=issues_frame(
        [
            upstream_pr(1, "<script>/x", 1, "2026-04-02T00:00Z", "2026-04-03T00:00Z"),
            upstream_pr(2, "kubernetes/kubernetes", 2, "2026-05-02T00:00Z", "2026-05-09T00:00Z"),
            upstream_pr(3, "kubernetes/kubernetes", 1, "2026-06-02T00:00Z", None),
            upstream_pr(4, "kubernetes/kubernetes", 2, "2026-01-10T00:00Z", "2026-01-12T00:00Z"),
        ]
    ),
)


def test_headlines_compare_the_last_complete_quarter_and_rank_upstream_projects() -> None:
    summary = impact_summary(FRAMES, [], AS_OF, "Acme")
    by_id = {h.kpi.id: h for h in summary.headlines}
    assert by_id["active_contributors"].value == 3  # Q2: people 1, 2, 3
    assert by_id["active_contributors"].delta == 1  # Q1 had 2
    assert by_id["upstream_prs_merged"].value == 2  # #1 and #2 merged in Q2
    assert by_id["upstream_prs_merged"].delta == 1  # Q1: #4
    assert str(by_id["upstream_prs_merged"].period_start.date()) == "2026-04-01"
    # Last 12 months: k8s #2 #3 #4 (2 people, 2 merged) before <script>/x #1.
    assert summary.top_projects.to_dict("records") == [
        {"repo": "kubernetes/kubernetes", "prs_opened": 3, "prs_merged": 2, "contributors": 2},
        {"repo": "<script>/x", "prs_opened": 1, "prs_merged": 1, "contributors": 1},
    ]


def test_html_report_is_escaped_and_self_contained() -> None:
    config = config_from_mapping(
        {
            "objectives": [
                {
                    "id": "contributors",
                    "title": "Grow <b>contributors</b>",
                    "kpi": "active_contributors",
                    "baseline": {"value": 2, "date": "2026-01-01"},
                    "target": 3,
                    "due": "2026-12-31",
                    "goal": "community",
                }
            ]
        }
    )
    views = evaluate_objectives(list(config.objectives), FRAMES, {}, AS_OF)
    page = render_html(impact_summary(FRAMES, views, AS_OF, "Acme & Co", is_demo=True))
    assert "<script" not in page and "&lt;script&gt;/x" in page
    assert "Grow &lt;b&gt;contributors&lt;/b&gt;" in page
    assert "Acme &amp; Co: open source impact" in page
    assert "quarter starting 2026-04-01" in page and "Demo data" in page
    assert "http" not in page, "no external assets"
