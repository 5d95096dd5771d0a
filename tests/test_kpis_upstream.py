"""Upstream contribution KPIs on a hand-written fixture of pull requests."""

from __future__ import annotations

import pandas as pd

import kpis


def _pr(
    number: int,
    repo: str,
    author_id: int | None,
    login: str,
    created: str,
    *,
    merged: str | None = None,
    closed: str | None = None,
    employee: bool = True,
    bot: bool = False,
    pr: bool = True,
    relationship: str = "upstream",
) -> dict:
    closed = closed or merged
    return {
        "repo": repo,
        "number": number,
        "is_pull_request": pr,
        "author_id": author_id,
        "author_login": login,
        "author_is_bot": bot,
        "author_is_employee": employee,
        "state": "merged" if merged else ("closed" if closed else "open"),
        "created_at": pd.Timestamp(created),
        "closed_at": pd.Timestamp(closed) if closed else pd.NaT,
        "merged_at": pd.Timestamp(merged) if merged else pd.NaT,
        "first_response_at": pd.NaT,
        "is_draft": False,
        "relationship": relationship,
    }


K8S, CPY, NUMPY = "kubernetes/kubernetes", "python/cpython", "numpy/numpy"
# alice (1) and bob (2) are employees; carol (3) is not; #9 and #11 come from a deleted
# employee account that kept its login but lost its id.
ISSUES = kpis.issues_frame(
    [
        _pr(1, K8S, 1, "alice", "2024-03-04T10:00Z", merged="2024-03-12T10:00Z"),
        _pr(2, CPY, 1, "alice", "2024-03-06T10:00Z"),
        _pr(3, CPY, 2, "bob", "2024-03-10T23:00Z", closed="2024-03-15T10:00Z"),  # Sunday
        _pr(4, "rust-lang/rust", 3, "carol", "2024-03-05T10:00Z", employee=False),  # not ours
        _pr(5, K8S, 1, "alice", "2024-03-05T10:00Z", pr=False),  # an issue, not a PR
        _pr(6, "acme/widgets", 1, "alice", "2024-03-05T10:00Z", relationship="owned"),
        _pr(7, NUMPY, 2, "bob", "2024-02-20T10:00Z", merged="2024-03-01T10:00Z"),
        _pr(8, NUMPY, 50, "acme-bot", "2024-03-05T10:00Z", merged="2024-03-06T10:00Z", bot=True),
        _pr(9, CPY, None, "ghost-emp", "2024-04-02T10:00Z", merged="2024-04-03T10:00Z"),
        _pr(10, CPY, 1, "alice", "2024-04-02T11:00Z"),
        _pr(11, CPY, None, "ghost-emp", "2024-04-04T10:00Z"),
    ]
)
FRAMES = kpis.Frames(issues=ISSUES)
# Counted PRs (upstream, by a non-bot employee): #1 #2 #3 #7 #9 #10 #11.


def values(kpi_id: str, period: kpis.Period, start=None, end=None) -> list:
    return kpis.series(kpi_id, FRAMES, period, start=start, end=end)["value"].tolist()


def test_nullable_author_id_is_kept() -> None:
    assert str(ISSUES["author_id"].dtype) == "Int64"
    assert ISSUES["author_id"].isna().sum() == 2


def test_upstream_prs_opened() -> None:
    # weeks 02-19 .. 04-01: #7 | - | #1 #2 #3 (Sunday 23:00) | - | - | - | #9 #10 #11
    assert values("upstream_prs_opened", "week") == [1.0, 0.0, 3.0, 0.0, 0.0, 0.0, 3.0]
    assert values("upstream_prs_opened", "month") == [1.0, 3.0, 3.0]  # Feb | Mar | Apr
    assert values("upstream_prs_opened", "quarter") == [4.0, 3.0]  # #7 #1 #2 #3 | #9 #10 #11


def test_upstream_prs_merged_counts_by_merge_date() -> None:
    # #7 opened in February, merged Friday 03-01 (week 02-26); #1 merged 03-12 (week 03-11);
    # the bot's #8 is not counted
    assert values("upstream_prs_merged", "week", "2024-02-19", "2024-03-11") == [0.0, 1.0, 0.0, 1.0]
    assert values("upstream_prs_merged", "month", start="2024-02-01") == [0.0, 2.0, 1.0]
    assert values("upstream_prs_merged", "quarter") == [2.0, 1.0]  # #7 #1 | #9


def test_upstream_projects() -> None:
    # week 03-04: kubernetes (#1) + cpython (#2 #3) = 2; rust (non-employee) and owned excluded
    assert values("upstream_projects", "week", "2024-03-04", "2024-03-04") == [2.0]
    assert values("upstream_projects", "month") == [1.0, 2.0, 1.0]  # numpy | k8s cpy | cpy
    assert values("upstream_projects", "quarter") == [3.0, 1.0]  # numpy k8s cpy | cpy


def test_upstream_contributors() -> None:
    # week 03-04: alice + bob = 2; April: ghost-emp (two PRs, no id) + alice = 2
    assert values("upstream_contributors", "week", "2024-03-04", "2024-03-04") == [2.0]
    assert values("upstream_contributors", "month") == [1.0, 2.0, 2.0]  # bob | alice bob | 2
    assert values("upstream_contributors", "quarter") == [2.0, 2.0]


def test_latest_change_upstream_monthly() -> None:
    table = kpis.series("upstream_prs_opened", FRAMES, "month", end="2024-04-10")
    # as_of 04-10: April is running; March 3 vs February 1
    change = kpis.latest_change(table, pd.Timestamp("2024-04-10", tz="Europe/Paris"))
    assert change == kpis.Change(3.0, 1.0, 2.0, pd.Timestamp("2024-03-01"))


def test_top_upstream_projects() -> None:
    from kpis.upstream import top_upstream_projects

    # Window 2024-03-01 .. 2024-04-30: counted PRs #1 (k8s, merged), #2 #3 #9 #10 #11 (cpython;
    # #9 merged; people alice, bob, ghost-emp). #7 (numpy) was opened in February: outside.
    top = top_upstream_projects(
        FRAMES, pd.Timestamp("2024-03-01", tz="UTC"), pd.Timestamp("2024-05-01", tz="UTC")
    )
    assert top.to_dict("records") == [
        {"repo": CPY, "prs_opened": 5, "prs_merged": 1, "contributors": 3},
        {"repo": K8S, "prs_opened": 1, "prs_merged": 1, "contributors": 1},
    ]
    assert top_upstream_projects(
        FRAMES, pd.Timestamp("2030-01-01", tz="UTC"), pd.Timestamp("2031-01-01", tz="UTC")
    ).empty
