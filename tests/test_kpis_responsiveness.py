"""Responsiveness KPIs on a hand-written issues/pull-requests fixture."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kpis


def _item(
    number: int,
    created: str,
    *,
    pr: bool,
    state: str,
    response: str | None = None,
    closed: str | None = None,
    merged: str | None = None,
    bot: bool = False,
    draft: bool = False,
    relationship: str = "owned",
    repo: str = "acme/widgets",
) -> dict:
    return {
        "repo": repo,
        "number": number,
        "is_pull_request": pr,
        "author_id": 100 + number,
        "author_login": "renovate[bot]" if bot else f"user{number}",
        "author_is_bot": bot,
        "author_is_employee": False,
        "state": state,
        "created_at": pd.Timestamp(created),
        "closed_at": pd.Timestamp(closed) if closed else pd.NaT,
        "merged_at": pd.Timestamp(merged) if merged else pd.NaT,
        "first_response_at": pd.Timestamp(response) if response else pd.NaT,
        "is_draft": draft,
        "relationship": relationship,
    }


# Weeks start Monday (2024-01-15, 2024-02-26, 2024-03-04, 2024-03-11); 2024-03-10 is a Sunday.
# Hours: response - created | close - created.
ISSUES = kpis.issues_frame(
    [
        # 2h | 24h
        _item(1, "2024-03-04T09:00Z", pr=False, state="closed",
              response="2024-03-04T11:00Z", closed="2024-03-05T09:00Z"),
        # 4h | 48h (merged; closed_at equals merged_at as on GitHub)
        _item(2, "2024-03-05T10:00Z", pr=True, state="merged", response="2024-03-05T14:00Z",
              closed="2024-03-07T10:00Z", merged="2024-03-07T10:00Z"),
        # 24h | 120h, closed without merge on Monday of the next week
        _item(3, "2024-03-06T08:00Z", pr=True, state="closed",
              response="2024-03-07T08:00Z", closed="2024-03-11T08:00Z"),
        # no response yet, still open
        _item(4, "2024-03-07T12:00Z", pr=False, state="open"),
        # bot pull request: excluded everywhere (1h response, merged after 2h)
        _item(5, "2024-03-06T00:00Z", pr=True, state="merged", bot=True,
              response="2024-03-06T01:00Z", closed="2024-03-06T02:00Z", merged="2024-03-06T02:00Z"),
        # upstream pull request: not one of our repositories, excluded
        _item(6, "2024-03-05T12:00Z", pr=True, state="merged", relationship="upstream",
              repo="python/cpython", response="2024-03-05T12:30Z",
              closed="2024-03-06T12:00Z", merged="2024-03-06T12:00Z"),
        # draft opened Sunday 23:59 (week 03-04), answered 2h later on Monday
        _item(7, "2024-03-10T23:59Z", pr=True, state="open", draft=True,
              response="2024-03-11T01:59Z"),
        # 48h | 120h: opened in February, closed Monday 03-04 (2024 is a leap year: 5 days)
        _item(8, "2024-02-28T10:00Z", pr=False, state="closed",
              response="2024-03-01T10:00Z", closed="2024-03-04T10:00Z"),
        # opened Monday 00:00 (week 03-11), 6h
        _item(9, "2024-03-11T00:00Z", pr=True, state="open", response="2024-03-11T06:00Z"),
        # reopened: an old close time but open again -> not a closure
        _item(10, "2024-03-04T08:00Z", pr=False, state="open", closed="2024-03-05T08:00Z"),
        # 2h | 43 days = 1032h, closed without merge in February
        _item(11, "2024-01-15T10:00Z", pr=True, state="closed",
              response="2024-01-15T12:00Z", closed="2024-02-27T10:00Z"),
    ]
)  # fmt: skip
FRAMES = kpis.Frames(issues=ISSUES)
NAN = float("nan")
WEEKS = {"start": "2024-02-26", "end": "2024-03-11"}  # weeks 02-26, 03-04, 03-11


def values(kpi_id: str, period: kpis.Period, start=None, end=None) -> list:
    return kpis.series(kpi_id, FRAMES, period, start=start, end=end)["value"].tolist()


def assert_values(actual: list, expected: list) -> None:
    assert len(actual) == len(expected), (actual, expected)
    for got, want in zip(actual, expected, strict=True):
        if math.isnan(want):
            assert math.isnan(got), (actual, expected)
        else:
            assert got == pytest.approx(want), (actual, expected)


def test_time_to_first_response_weekly() -> None:
    # week 02-26: #8 48h; week 03-04: #1 2, #2 4, #3 24, #7 2 (Sunday 23:59) -> median of
    # 2,2,4,24 = (2 + 4) / 2 = 3; #4 and #10 unanswered, bot #5 and upstream #6 excluded
    # (with them: 0.5,1,2,2,4,24 -> 2); week 03-11: #9 6h
    assert_values(values("time_to_first_response", "week", **WEEKS), [48.0, 3.0, 6.0])


def test_time_to_first_response_monthly_and_quarterly() -> None:
    # Jan: #11 2h; Feb: #8 48h; Mar: 2,2,4,6,24 -> 4
    assert_values(values("time_to_first_response", "month"), [2.0, 48.0, 4.0])
    # Q1: 2,2,2,4,6,24,48 -> 4
    assert_values(values("time_to_first_response", "quarter"), [4.0])


def test_time_to_first_response_is_nan_when_nobody_answered() -> None:
    issues = kpis.issues_frame([_item(1, "2024-05-06T10:00Z", pr=False, state="open")])
    table = kpis.series("time_to_first_response", kpis.Frames(issues=issues), "week")
    assert table["period_start"].tolist() == [pd.Timestamp("2024-05-06")]
    assert math.isnan(table["value"].iloc[0])


def test_time_to_close() -> None:
    # by close week: 02-26: #11 1032h; 03-04: #8 120, #1 24, #2 48 -> 48 (reopened #10 would
    # make it 24,24,48,120 -> 36); 03-11: #3 120
    assert_values(values("time_to_close", "week", **WEEKS), [1032.0, 48.0, 120.0])
    # Jan: nothing closed -> NaN; Feb: 1032; Mar: 24,48,120,120 -> (48 + 120) / 2 = 84
    assert_values(values("time_to_close", "month", start="2024-01-01"), [NAN, 1032.0, 84.0])
    # Q1: 24,48,120,120,1032 -> 120
    assert_values(values("time_to_close", "quarter"), [120.0])


def test_change_request_closure_ratio() -> None:
    # Our human PRs: #2 #3 #7 #9 #11 (bot #5 and upstream #6 excluded).
    # week 02-26: closed #11, opened none -> NaN; week 03-04: opened #2 #3 #7, closed #2 -> 1/3;
    # week 03-11: opened #9, closed #3 -> 1/1
    assert_values(values("change_request_closure_ratio", "week", **WEEKS), [NAN, 1 / 3, 1.0])
    # week 01-15: opened #11, nothing closed -> 0/1 = 0 (defined, unlike NaN)
    assert_values(
        values("change_request_closure_ratio", "week", start="2024-01-15", end="2024-01-15"), [0.0]
    )
    # Jan 0/1; Feb 1/0 -> NaN; Mar closed #2 #3 / opened #2 #3 #7 #9 = 0.5
    assert_values(values("change_request_closure_ratio", "month"), [0.0, NAN, 0.5])
    # Q1: closed #11 #2 #3 / opened #11 #2 #3 #7 #9 = 3/5
    assert_values(values("change_request_closure_ratio", "quarter"), [0.6])


def test_change_requests_accepted() -> None:
    # only #2 is merged (03-07); bot #5 and upstream #6 merged too but are excluded
    assert_values(values("change_requests_accepted", "week", **WEEKS), [0.0, 1.0, 0.0])
    assert_values(values("change_requests_accepted", "month", start="2024-01-01"), [0.0, 0.0, 1.0])
    assert_values(values("change_requests_accepted", "quarter"), [1.0])


def test_latest_change_for_a_lower_is_better_kpi() -> None:
    table = kpis.series("time_to_first_response", FRAMES, "week", end="2024-03-13")
    # as_of Wednesday 03-13: current week 03-11 skipped; week 03-04 = 3h vs week 02-26 = 48h
    change = kpis.latest_change(table, "2024-03-13T09:00Z")
    assert change == kpis.Change(3.0, 48.0, -45.0, pd.Timestamp("2024-03-04"))
    assert kpis.get("time_to_first_response").direction == "down"
