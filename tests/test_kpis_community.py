"""Community KPIs on a hand-written commits fixture, with hand-computed expectations."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import kpis

ACME = "Acme"  # our organization


def _commit(
    sha: str,
    authored_at: str,
    author_id: int,
    name: str,
    organization: str,
    *,
    employee: bool = False,
    bot: bool = False,
    merge: bool = False,
    signed: bool = True,
) -> dict:
    return {
        "repo": "acme/widgets",
        "sha": sha,
        "authored_at": pd.Timestamp(authored_at),
        "author_id": author_id,
        "author_name": name,
        "is_bot": bot,
        "is_merge": merge,
        "additions": 10,
        "deletions": 2,
        "files_changed": 1,
        "organization": organization,
        "is_employee": employee,
        "signed_off": signed,
        "relationship": "owned",
    }


# People: 1 alice (Acme employee), 2 bob (Acme employee), 3 carol (Globex),
# 4 dave (Independent), 5 erin (Unknown), 6 frank (Initech), 7 grace (merges only), 99 a bot.
# Weeks start Monday: 2024-02-26, 2024-03-04, ...; 2024-03-03 is a Sunday.
COMMITS = kpis.commits_frame(
    [
        _commit("c01", "2023-12-15T10:00Z", 3, "carol", "Globex"),  # carol's first commit
        _commit("c02", "2024-02-26T09:00Z", 1, "alice", ACME, employee=True),
        _commit("c03", "2024-02-28T12:00Z", 2, "bob", ACME, employee=True, signed=False),
        _commit("c04", "2024-03-03T23:59Z", 3, "carol", "Globex"),  # Sunday 23:59 -> week 02-26
        _commit("c05", "2024-03-04T00:00Z", 4, "dave", "Independent"),  # Monday 00:00 -> 03-04
        # 01:30 at +02:00 is Thursday 2024-02-29 23:30 UTC: February, not March.
        _commit("c06", "2024-03-01T01:30+02:00", 5, "erin", "Unknown", signed=False),
        _commit(
            "c07", "2024-03-05T10:00Z", 7, "grace", ACME, employee=True, merge=True, signed=False
        ),
        _commit(
            "c08", "2024-03-06T10:00Z", 99, "dependabot[bot]", "Unknown", bot=True, signed=False
        ),
        _commit("c09", "2024-03-07T10:00Z", 6, "frank", "Initech"),
        _commit("c10", "2024-03-08T10:00Z", 1, "alice", ACME, employee=True),
        _commit("c11", "2024-04-02T10:00Z", 2, "bob", ACME, employee=True),
        _commit("c12", "2024-04-03T10:00Z", 3, "carol", "Globex", signed=False),
    ]
)
FRAMES = kpis.Frames(commits=COMMITS)
# Human commits (no bot c08, no merge c07): c01 c02 c03 c04 c05 c06 c09 c10 c11 c12 = 10.


def values(kpi_id: str, period: kpis.Period, start=None, end=None, frames=FRAMES) -> list:
    return kpis.series(kpi_id, frames, period, start=start, end=end)["value"].tolist()


def assert_values(actual: list, expected: list) -> None:
    assert len(actual) == len(expected), (actual, expected)
    for got, want in zip(actual, expected, strict=True):
        if isinstance(want, float) and math.isnan(want):
            assert math.isnan(got), (actual, expected)
        else:
            assert got == pytest.approx(want), (actual, expected)


NAN = float("nan")
WEEKS = {"start": "2024-02-26", "end": "2024-03-11"}  # weeks 02-26, 03-04, 03-11


def test_offset_timestamp_is_converted_to_the_previous_utc_day() -> None:
    erin = COMMITS.loc[COMMITS["author_id"] == 5, "authored_at"].iloc[0]
    assert erin == pd.Timestamp("2024-02-29T23:30Z")
    assert str(COMMITS["authored_at"].dtype) == "datetime64[ns, UTC]"


def test_commits_weekly_boundary_sunday_vs_monday() -> None:
    # week 02-26: c02 c03 c04(Sun 23:59) c06(Thu 23:30 UTC) = 4
    # week 03-04: c05(Mon 00:00) c09 c10 = 3 (merge c07, bot c08 excluded); week 03-11: 0
    assert_values(values("commits", "week", **WEEKS), [4, 3, 0])


def test_commits_monthly_default_range_fills_empty_january_with_zero() -> None:
    table = kpis.series("commits", FRAMES, "month")
    assert table["period_start"].tolist() == [
        pd.Timestamp(day)
        for day in ["2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    ]
    # Dec: c01; Jan: none; Feb: c02 c03 c06; Mar: c04 c05 c09 c10; Apr: c11 c12
    assert_values(table["value"].tolist(), [1, 0, 3, 4, 2])


def test_commits_quarterly() -> None:
    # Q4-2023: c01 = 1; Q1-2024: c02 c03 c04 c05 c06 c09 c10 = 7; Q2: c11 c12 = 2
    assert_values(values("commits", "quarter"), [1, 7, 2])


def test_series_shape_and_dtypes() -> None:
    table = kpis.series("commits", FRAMES, "week", **WEEKS)
    assert list(table.columns) == ["period_start", "value"]
    assert str(table["period_start"].dtype) == "datetime64[ns]"
    assert table["value"].dtype == "float64"
    assert table["period_start"].dt.day_of_week.eq(0).all()  # every week starts on Monday


def test_active_contributors() -> None:
    # week 02-26: alice bob carol erin = 4; week 03-04: dave frank alice = 3 (grace only merged)
    assert_values(values("active_contributors", "week", **WEEKS), [4, 3, 0])
    # Dec carol; Jan -; Feb alice bob erin; Mar carol dave frank alice; Apr bob carol
    assert_values(values("active_contributors", "month"), [1, 0, 3, 4, 2])
    # Q1: alice bob carol erin dave frank = 6 (alice counted once for two commits)
    assert_values(values("active_contributors", "quarter"), [1, 6, 2])


def test_new_contributors_use_first_commit_over_all_history() -> None:
    # First commits: carol 2023-12-15, alice 02-26, bob 02-28, erin 02-29, dave 03-04, frank 03-07.
    # March: dave + frank = 2; carol commits in March but started in December.
    assert_values(values("new_contributors", "month", start="2024-03-01", end="2024-04-30"), [2, 0])
    # weeks: alice bob erin | dave frank | nobody
    assert_values(values("new_contributors", "week", **WEEKS), [3, 2, 0])
    # carol | 5 others | nobody (Q2 only shown because end= asks for it: no data there)
    assert_values(values("new_contributors", "quarter", end="2024-06-30"), [1, 5, 0])
    assert_values(values("new_contributors", "quarter"), [1, 5])  # default: last period with data


def test_new_contributors_ignore_bots_and_merge_only_people() -> None:
    # grace (merge only) and the bot never count; total new people = 6 over all history
    assert sum(values("new_contributors", "week")) == 6


def test_contributor_absence_factor() -> None:
    # week 02-26: 1,1,1,1 of 4 -> 2 people reach 2 = exactly half (ties; >= 50% counts)
    # week 03-04: 1,1,1 of 3 -> 2 (1 < 1.5 <= 2); week 03-11: no commits -> NaN
    assert_values(values("contributor_absence_factor", "week", **WEEKS), [2, 2, NAN])
    # Dec 1 of 1 -> 1; Jan NaN; Feb 1,1,1 -> 2; Mar 1,1,1,1 -> 2; Apr 1,1 -> 1
    assert_values(values("contributor_absence_factor", "month"), [1, NAN, 2, 2, 1])
    # Q1 alice 2, then five people with 1 (total 7, half 3.5): 2 -> 3 -> 4 >= 3.5 -> 3
    assert_values(values("contributor_absence_factor", "quarter"), [1, 3, 1])


def test_contributor_absence_factor_ties() -> None:
    rows = [("t1", 1), ("t2", 1), ("t3", 1), ("t4", 2), ("t5", 2), ("t6", 2), ("t7", 3), ("t8", 3)]
    rows += [("t9", 4), ("t10", 4)]
    frames = kpis.Frames(
        commits=kpis.commits_frame(
            [_commit(sha, "2024-05-06T12:00Z", who, f"p{who}", "Globex") for sha, who in rows]
        )
    )
    # counts 3,3,2,2 of 10 (ties at both ranks): 3 -> 6 >= 5 -> 2, whichever person ranks first
    assert_values(values("contributor_absence_factor", "week", frames=frames), [2])


def test_elephant_factor_excludes_independent_and_unknown() -> None:
    # week 02-26: Acme 2 (alice bob), Globex 1, erin Unknown left out: 2 of 3 -> 1
    # week 03-04: dave Independent left out; Initech 1, Acme 1 of 2 -> 1 (tie at exactly half)
    assert_values(values("elephant_factor", "week", **WEEKS), [1, 1, NAN])
    # Mar: Globex 1, Initech 1, Acme 1 (dave left out), total 3 -> 2 (tie)
    assert_values(values("elephant_factor", "month"), [1, NAN, 1, 2, 1])
    # Q1: Acme 3, Globex 1, Initech 1 -> total 5, 3 >= 2.5 -> 1
    # (had Independent/Unknown counted as organizations: total 7, Acme 3 < 3.5 -> 2)
    assert_values(values("elephant_factor", "quarter"), [1, 1, 1])


def test_elephant_factor_undefined_when_no_known_organization() -> None:
    frames = kpis.Frames(
        commits=kpis.commits_frame([_commit("x1", "2024-05-06T12:00Z", 4, "dave", "Independent")])
    )
    assert_values(
        values("elephant_factor", "week", start="2024-05-06", end="2024-05-06", frames=frames),
        [NAN],
    )


def test_employee_commit_share() -> None:
    # week 02-26: alice bob of 4 = 50%; week 03-04: alice of 3 = 33.33%; week 03-11: NaN
    assert_values(values("employee_commit_share", "week", **WEEKS), [50.0, 100 / 3, NAN])
    # Dec 0/1; Jan NaN; Feb 2/3; Mar 1/4; Apr 1/2 (grace's merge commit is not counted)
    assert_values(values("employee_commit_share", "month"), [0.0, NAN, 200 / 3, 25.0, 50.0])
    # Q1: alice 2 + bob 1 of 7 = 42.857%
    assert_values(values("employee_commit_share", "quarter"), [0.0, 300 / 7, 50.0])


def test_dco_signoff_rate() -> None:
    # week 02-26: c02 yes, c03 no, c04 yes, c06 no = 2/4; week 03-04: c05 c09 c10 all yes
    assert_values(values("dco_signoff_rate", "week", **WEEKS), [50.0, 100.0, NAN])
    # Feb: c02 of c02 c03 c06 = 1/3; Mar: c04 c05 c09 c10 = 4/4 (unsigned merge/bot ignored)
    assert_values(values("dco_signoff_rate", "month"), [100.0, NAN, 100 / 3, 100.0, 50.0])
    # Q1: 5 of 7 signed
    assert_values(values("dco_signoff_rate", "quarter"), [100.0, 500 / 7, 50.0])


def test_latest_change_skips_the_incomplete_current_week() -> None:
    table = kpis.series("commits", FRAMES, "week", end="2024-03-06")
    # as_of Wednesday 03-06: week 03-04 is still running (3 so far) and is ignored;
    # last complete week 02-26 = 4, week before (02-19) = 0 -> delta +4
    change = kpis.latest_change(table, as_of=pd.Timestamp("2024-03-06T12:00Z"))
    assert change == kpis.Change(4.0, 0.0, 4.0, pd.Timestamp("2024-02-26"))


def test_latest_change_on_monday_midnight_and_sunday_evening() -> None:
    table = kpis.series("commits", FRAMES, "week", end="2024-03-11")
    # Monday 00:00 starts week 03-04, so week 02-26 is complete
    assert kpis.latest_change(table, "2024-03-04T00:00Z").value == 4.0
    # Sunday 23:59 is still week 02-26: the last complete week is 02-19 (0), before it 02-12 (0)
    change = kpis.latest_change(table, "2024-03-03T23:59Z")
    assert change == kpis.Change(0.0, 0.0, 0.0, pd.Timestamp("2024-02-19"))


def test_latest_change_monthly_and_undefined_values() -> None:
    table = kpis.series("commits", FRAMES, "month", end="2024-04-30")
    # as_of mid-April: March (4) vs February (3)
    assert kpis.latest_change(table, "2024-04-15") == kpis.Change(
        4.0, 3.0, 1.0, pd.Timestamp("2024-03-01")
    )
    dco = kpis.series("dco_signoff_rate", FRAMES, "month")
    # as_of 02-10: January has no commits (NaN -> None); December was 100%
    assert kpis.latest_change(dco, "2024-02-10") == kpis.Change(
        None, 100.0, None, pd.Timestamp("2024-01-01")
    )


def test_latest_change_after_the_last_data_reads_quiet_periods_as_zero() -> None:
    # the default table stops at week 04-01 (c11 c12 = 2); as_of Saturday 04-20 asks for
    # week 04-08, which is past the data: 0 commits, versus 2 in week 04-01 -> delta -2
    table = kpis.series("commits", FRAMES, "week")
    change = kpis.latest_change(table, "2024-04-20T12:00Z")
    assert change == kpis.Change(0.0, 2.0, -2.0, pd.Timestamp("2024-04-08"))


def test_latest_change_is_unknown_for_periods_cut_out_of_the_table() -> None:
    # week 03-04 had 3 commits but the caller cut the table at week 02-26: no guessing
    table = kpis.series("commits", FRAMES, "week", start="2024-02-19", end="2024-02-26")
    change = kpis.latest_change(table, "2024-03-13")
    assert change == kpis.Change(None, 4.0, None, pd.Timestamp("2024-03-04"))
