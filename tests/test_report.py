"""The executive impact summary and its HTML report, on hand-made frames."""

from __future__ import annotations

import pandas as pd
from frame_rows import commit_row

from kpis.schema import Frames, commits_frame, issues_frame
from ospo_metrics.config import config_from_mapping
from ospo_metrics.objectives import evaluate_objectives
from ospo_metrics.report import (
    HEADLINE_KPIS,
    html_to_pdf,
    impact_numbers,
    impact_summary,
    render_html,
    window_for,
    windows,
)

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


def summary_for(key: str, views=(), **options):
    window = window_for(key, AS_OF)
    assert window.key == key
    return impact_summary(FRAMES, list(views), window, AS_OF, "Acme", **options)


def test_windows_are_named_and_stated() -> None:
    found = {w.key: w for w in windows(AS_OF)}
    assert list(found) == ["2026Q2", "2026Q1", "2025Q4", "2025Q3", "2026Q3", "ytd", "t12m"]
    assert found["2026Q2"].stated() == "Q2 2026 (1 Apr 2026 – 30 Jun 2026)"
    assert found["2026Q2"].compared_with == "Q1 2026"
    assert found["2026Q3"].stated() == "Q3 2026 to date (1 Jul 2026 – 15 Jul 2026, so far)"
    assert found["ytd"].stated() == "2026 year to date (1 Jan 2026 – 15 Jul 2026, so far)"
    assert found["t12m"].stated() == "Trailing 12 months (16 Jul 2025 – 15 Jul 2026)"
    assert str(found["t12m"].previous_start.date()) == "2024-07-16"
    assert window_for("nonsense", AS_OF).key == "t12m"


def test_headline_and_table_count_the_same_window() -> None:
    """The defect of issue 9: the headline counted 2 PRs merged, the table beside it 4."""
    q2 = summary_for("2026Q2")
    merged = q2.headline("upstream_prs_merged")
    assert (merged.value, merged.previous, merged.delta) == (2, 1, 1)  # #1 #2 | #4 (Q1)
    assert q2.projects[["repo", "prs_opened", "prs_merged"]].to_dict("records") == [
        {"repo": "kubernetes/kubernetes", "prs_opened": 2, "prs_merged": 1},  # #2 #3 | #2
        {"repo": "<script>/x", "prs_opened": 1, "prs_merged": 1},
    ]
    assert q2.projects["prs_merged"].sum() == merged.value
    active = q2.headline("active_contributors")
    assert (active.value, active.previous) == (3, 2)  # Q2: people 1, 2, 3 | Q1: 1, 2
    # Trailing 12 months and year to date: #1 #2 #4 merged; distinct projects not summed.
    for key in ("t12m", "ytd"):
        window = summary_for(key)
        assert window.headline("upstream_prs_merged").value == 3
        assert window.projects["prs_merged"].sum() == 3
        assert window.headline("upstream_projects").value == 2  # quarters would sum to 3


def test_trends_are_the_four_quarters_up_to_the_window() -> None:
    q2 = summary_for("2026Q2").headline("upstream_prs_merged").trend
    assert [str(d) for d in q2["period_start"]] == [
        "2025-07-01",
        "2025-10-01",
        "2026-01-01",
        "2026-04-01",
    ]
    assert q2["value"].tolist() == [0, 0, 1, 2] and not q2["partial"].any()
    running = summary_for("t12m").headline("upstream_prs_merged").trend
    assert running["value"].tolist() == [0, 1, 2, 0]
    assert running["partial"].tolist() == [False, False, False, True]  # Q3 2026 so far


def test_the_numbers_behind_the_summary() -> None:
    numbers = impact_numbers(summary_for("2026Q2"))
    merged = numbers[numbers["kpi"] == "upstream_prs_merged"]
    assert merged["section"].tolist() == ["headline", "compared with"] + ["quarter trend"] * 4
    assert merged["value"].tolist() == [2, 1, 0, 0, 1, 2]
    assert merged["window"].tolist()[:3] == ["Q2 2026", "Q1 2026", "Q3 2025"]
    assert set(numbers["kpi"]) == set(HEADLINE_KPIS) | {"policy_compliance"}


def _objective_views():
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
    return evaluate_objectives(list(config.objectives), FRAMES, {}, AS_OF)


def test_html_report_is_escaped_and_self_contained() -> None:
    window = window_for("2026Q2", AS_OF)
    summary = impact_summary(FRAMES, _objective_views(), window, AS_OF, "Acme & Co", is_demo=True)
    page = render_html(summary)
    assert "<script" not in page and "&lt;script&gt;/x" in page
    assert "Grow &lt;b&gt;contributors&lt;/b&gt;" in page
    assert "Acme &amp; Co: open source impact" in page
    assert "Q2 2026 (1 Apr 2026 – 30 Jun 2026)" in page and "Demo data" in page
    assert "http" not in page and "<link" not in page, "no external assets"
    assert page.count("<svg") == len(HEADLINE_KPIS) + 1, "a trend chart per headline"
    assert "Community: healthy" in page and "background:#" in page  # goal, status colour


def test_the_real_browser_prints_the_report_on_one_or_two_pages(tmp_path) -> None:
    import io

    from pypdf import PdfReader
    from streamlit_server import require_chromium

    require_chromium()
    summary = impact_summary(FRAMES, _objective_views(), window_for("2026Q2", AS_OF), AS_OF, "Acme")
    pdf = PdfReader(io.BytesIO(html_to_pdf(render_html(summary))))
    assert 1 <= len(pdf.pages) <= 2
    text = " ".join(page.extract_text() for page in pdf.pages)
    text = " ".join(text.split())
    assert "Q2 2026 (1 Apr 2026 – 30 Jun 2026)" in text
    assert "2 of their pull requests were merged" in text
    assert "Upstream PRs merged 2 +1 vs Q1 2026" in text
