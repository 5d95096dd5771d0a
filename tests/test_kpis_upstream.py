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


def test_upstream_merge_rate_counts_settled_prs_by_settle_date() -> None:
    # Settled in March: #7 merged 03-01, #1 merged 03-12, #3 closed unmerged 03-15 -> 2 of 3;
    # April: #9 merged -> 100 %. Open PRs (#2 #10 #11) and the bot's #8 do not count.
    assert [round(v, 2) for v in values("upstream_merge_rate", "month")] == [66.67, 100.0]
    assert [round(v, 2) for v in values("upstream_merge_rate", "quarter")] == [66.67, 100.0]
    # A month with nothing settled has no rate (not 0 %).
    february = values("upstream_merge_rate", "month", "2024-02-01", "2024-02-29")
    assert len(february) == 1 and pd.isna(february[0])


def test_upstream_time_to_merge_is_the_median_by_merge_date() -> None:
    # #7: 02-20 -> 03-01 (2024 is a leap year) = 240 h; #1: 03-04 -> 03-12 = 192 h; #9: 24 h.
    assert values("upstream_time_to_merge", "month") == [216.0, 24.0]  # median(240, 192) | 24
    assert values("upstream_time_to_merge", "quarter") == [216.0, 24.0]


def _contribution(repo: str, kind: str, person: int, when: str, employee: bool, **extra) -> dict:
    return {
        "repo": repo,
        "relationship": extra.get("relationship", "upstream"),
        "kind": kind,
        "person_id": person,
        "occurred_at": pd.Timestamp(when, tz="UTC"),
        "actor": "bot" if extra.get("bot") else "human",
        "is_bot": extra.get("bot", False),
        "organization": "Acme" if employee else "Other",
        "is_employee": employee,
        "affiliation_known": True,
    }


KESTREL, HALF, SOLO = "kestrel/k", "half/h", "solo/s"
CONTRIBUTIONS = kpis.contributions_frame(
    [
        # kestrel (tracked in full): March 2 of 3 ours; April 1 of 3 ours.
        _contribution(KESTREL, "review", 1, "2024-03-05", True),
        _contribution(KESTREL, "pull_request", 2, "2024-03-06", True),
        _contribution(KESTREL, "comment", 3, "2024-03-07", False),
        _contribution(KESTREL, "review", 3, "2024-04-01", False),
        _contribution(KESTREL, "comment", 4, "2024-04-02", False),
        _contribution(KESTREL, "review", 1, "2024-04-03", True),
        # solo: only our own pull request is known (found by search): never a "majority".
        _contribution(SOLO, "pull_request", 1, "2024-03-08", True),
        # half: exactly half ours is not more than half.
        _contribution(HALF, "review", 1, "2024-03-09", True),
        _contribution(HALF, "comment", 5, "2024-03-10", False),
        # a bot's review, and a review in an owned repository: neither counts.
        _contribution(KESTREL, "review", 9, "2024-03-11", True, bot=True),
        _contribution("acme/widgets", "review", 1, "2024-03-12", True, relationship="owned"),
    ]
)
FULL = kpis.Frames(issues=ISSUES, contributions=CONTRIBUTIONS)


def test_upstream_reviews_and_majority_projects() -> None:
    reviews = kpis.series("upstream_reviews", FULL, "month")["value"].tolist()
    assert reviews == [2.0, 1.0]  # March: kestrel 03-05, half 03-09 | April: kestrel 04-03
    majority = kpis.series("upstream_majority_projects", FULL, "month")["value"].tolist()
    assert majority == [1.0, 0.0]  # March: kestrel (2 of 3) | April: none (kestrel 1 of 3)


def test_window_value_counts_distinct_things_once_over_the_window() -> None:
    from kpis.window import window_value

    start, end = "2024-02-01", "2024-05-01"
    # numpy (#7, Feb), kubernetes (#1), cpython (#2 ...): 3, where the months sum to 4.
    assert window_value("upstream_projects", FRAMES, start, end) == 3.0
    # bob, alice, ghost-emp: 3 people, where the months sum to 1 + 2 + 2 = 5.
    assert window_value("upstream_contributors", FRAMES, start, end) == 3.0
    assert window_value("upstream_prs_merged", FRAMES, start, end) == 3.0  # #7 #1 #9
    # A quarter-long window gives the quarterly series' value.
    assert (
        round(window_value("upstream_merge_rate", FRAMES, "2024-01-01", "2024-04-01"), 2) == 66.67
    )
    assert window_value("upstream_prs_opened", FRAMES, "2030-01-01", "2030-02-01") == 0.0
    assert window_value("upstream_merge_rate", FRAMES, "2030-01-01", "2030-02-01") is None


def test_upstream_projects_table_sums_to_the_kpis() -> None:
    from kpis.upstream import upstream_projects_table
    from kpis.window import window_value

    start, end = pd.Timestamp("2024-03-01", tz="UTC"), pd.Timestamp("2024-05-01", tz="UTC")
    table = upstream_projects_table(FULL, start, end).set_index("repo")
    assert list(table.index) == [CPY, K8S, NUMPY, HALF, KESTREL]
    assert table["prs_opened"].tolist() == [5, 1, 0, 0, 0]  # #2 #3 #9 #10 #11 | #1
    assert table["prs_merged"].tolist() == [1, 1, 1, 0, 0]  # #9 | #1 | #7 (opened in Feb)
    assert table.loc[CPY, "merge_rate_pct"] == 50.0  # #3 closed, #9 merged
    assert table["median_hours_to_merge"].tolist()[:3] == [24.0, 192.0, 240.0]
    assert table["reviews"].tolist() == [0, 0, 0, 1, 2]
    assert table["our_people"].tolist() == [3, 1, 1, 1, 1]  # alice, bob, ghost-emp in cpython
    assert table.loc[KESTREL, "our_share_pct"] == 50.0  # 3 of 6 over March and April
    assert pd.isna(table.loc[CPY, "our_share_pct"])  # others' work there is not collected
    for column, kpi_id in (("prs_merged", "upstream_prs_merged"), ("reviews", "upstream_reviews")):
        assert table[column].sum() == window_value(kpi_id, FULL, start, end)


def test_upstream_people_table() -> None:
    from kpis.upstream import upstream_people_table

    start, end = pd.Timestamp("2024-03-01", tz="UTC"), pd.Timestamp("2024-05-01", tz="UTC")
    table = upstream_people_table(FULL, start, end)
    assert table["login"].tolist() == ["alice", "ghost-emp", "bob"]
    assert table["person_id"].tolist()[::2] == [1, 2] and pd.isna(table["person_id"][1])
    assert table["prs_opened"].tolist() == [3, 2, 1]  # #1 #2 #10 | #9 #11 | #3
    assert table["prs_merged"].tolist() == [1, 1, 1]  # #1 | #9 | #7
    assert table["merge_rate_pct"].tolist() == [100.0, 100.0, 50.0]
    assert table["reviews"].tolist() == [3, 0, 0]
    assert table["projects"].tolist() == [4, 1, 2]  # k8s cpython kestrel half | cpy | cpy numpy
