"""Tests for kpis.objectives: hand-computed aggregations, progress, projections and statuses.

Calendar used throughout: 2025-12-29, 2026-01-05, 2026-03-02, 2026-06-22 and 2026-12-21 are
Mondays (ISO weeks start on Monday); 2026-03-18, 2026-04-01 and 2026-07-01 are Wednesdays.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpis.objectives import (
    AGGREGATIONS,
    STATUSES,
    ObjectiveResult,
    evaluate,
    period_for,
    status_rank,
)

NAN = math.nan


def weekly(first_monday: str, values: list[float]) -> pd.DataFrame:
    starts = pd.date_range(first_monday, periods=len(values), freq="7D")
    return pd.DataFrame({"period_start": starts, "value": values})


def monthly(first: str, values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"period_start": pd.date_range(first, periods=len(values), freq="MS"), "value": values}
    )


def current_of(series: pd.DataFrame, aggregation: str, as_of: str, start: str = "2026-01-01"):
    """Evaluate only for the current value (the objective numbers do not matter here)."""
    result = evaluate(
        series,
        baseline=0,
        target=1000,
        start=dt.date.fromisoformat(start),
        due=dt.date(2027, 12, 31),
        as_of=pd.Timestamp(as_of),
        aggregation=aggregation,
    )
    return result.current, result.as_of_period


# --------------------------------------------------------------------------- aggregations


def test_aggregations_and_their_periods() -> None:
    assert {"latest", "latest_week", "latest_month", "latest_quarter"} <= set(AGGREGATIONS)
    assert {"median_90d", "mean_90d", "sum_ytd", "sum_since_start"} <= set(AGGREGATIONS)
    assert all(isinstance(text, str) and text for text in AGGREGATIONS.values())
    assert period_for(None) == period_for("latest") == period_for("latest_month") == "month"
    assert period_for("latest_week") == "week"
    assert period_for("latest_quarter") == "quarter"
    for rolling in ("median_90d", "mean_90d", "sum_ytd", "sum_since_start"):
        assert period_for(rolling) == "week"
    with pytest.raises(ValueError, match=r"unknown aggregation 'median_9d'.*median_90d"):
        period_for("median_9d")


def test_latest_reads_the_last_complete_month() -> None:
    series = monthly("2026-01-01", [10, 20, 30, 40])
    # as_of 2026-04-15: April is still running, so March (30) is the last complete month.
    assert current_of(series, "latest", "2026-04-15") == (30.0, pd.Timestamp("2026-03-01"))
    assert current_of(series, "latest_month", "2026-04-15") == (30.0, pd.Timestamp("2026-03-01"))
    # On the first day of May, April is complete.
    assert current_of(series, "latest", "2026-05-01") == (40.0, pd.Timestamp("2026-04-01"))


def test_latest_week_and_quarter() -> None:
    weeks = weekly("2026-03-02", [5, 6, 7, 99])  # 99: week of 2026-03-23, still running
    assert current_of(weeks, "latest_week", "2026-03-25") == (7.0, pd.Timestamp("2026-03-16"))
    quarters = pd.DataFrame(
        {"period_start": pd.to_datetime(["2026-01-01", "2026-04-01", "2026-07-01"]),
         "value": [5.0, 6.0, 7.0]}
    )  # fmt: skip
    # as_of 2026-08-01 is in Q3, so Q2 (6) is the last complete quarter.
    assert current_of(quarters, "latest_quarter", "2026-08-01") == (6.0, pd.Timestamp("2026-04-01"))


# Weeks starting 2025-12-29 (straddles the window start), 2026-01-05 ... 2026-03-23 (12 full
# weeks inside the 90 days before 2026-04-01, which start on 2026-01-01), and 2026-03-30
# (running on 2026-04-01). Only the 12 middle weeks count.
ROLLING = weekly("2025-12-29", [1000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100, 1000])


def test_median_and_mean_90d() -> None:
    # 12 values 1..11, 100: median = (6 + 7) / 2 = 6.5; mean = (66 + 100) / 12 = 13.8333.
    assert current_of(ROLLING, "median_90d", "2026-04-01") == (6.5, pd.Timestamp("2026-03-23"))
    mean, _ = current_of(ROLLING, "mean_90d", "2026-04-01")
    assert mean == pytest.approx(166 / 12)


def test_rolling_ignores_nan() -> None:
    series = ROLLING.copy()
    series.loc[2, "value"] = NAN  # the week of 2026-01-12 (value 2) has no value
    # 11 values 1, 3..11, 100: median = 6th = 7; mean = (166 - 2) / 11 = 14.909.
    assert current_of(series, "median_90d", "2026-04-01")[0] == 7.0
    assert current_of(series, "mean_90d", "2026-04-01")[0] == pytest.approx(164 / 11)


def test_sum_ytd_and_since_start() -> None:
    # Weeks from 2025-12-29 (straddles 1 January: left out) to 2026-02-02 (running on 02-04).
    series = weekly("2025-12-29", [50, 3, 4, 5, 6, 99])
    # 3 + 4 + 5 + 6 = 18 over the weeks of Jan 5, 12, 19 and 26.
    assert current_of(series, "sum_ytd", "2026-02-04") == (18.0, pd.Timestamp("2026-01-26"))
    # Start Monday 2026-01-12: 4 + 5 + 6 = 15.
    assert current_of(series, "sum_since_start", "2026-02-04", start="2026-01-12")[0] == 15.0
    # Start Wednesday 2026-01-14: its week started before the start, so 5 + 6 = 11.
    assert current_of(series, "sum_since_start", "2026-02-04", start="2026-01-14")[0] == 11.0


def test_missing_rows_use_the_fill_value_of_a_kpis_series_table() -> None:
    # A kpis.series() table stops at the last week with data; the weeks after it were quiet.
    series = weekly("2026-03-02", [4, 6])
    series.attrs.update(
        period="week",
        fill_value=0.0,
        data_first=pd.Timestamp("2026-03-02"),
        data_last=pd.Timestamp("2026-03-09"),
    )
    assert current_of(series, "latest_week", "2026-03-25") == (0.0, pd.Timestamp("2026-03-16"))
    # The 12 weeks starting 2025-12-29 .. 2026-03-16 lie in the 90 days before 03-25 (from
    # 2025-12-25); all but 03-02 (4) and 03-09 (6) are outside the data span, so 0:
    # mean = (4 + 6) / 12.
    assert current_of(series, "mean_90d", "2026-03-25")[0] == pytest.approx(10 / 12)
    # A hand-made table without those attrs: the missing week is unknown, not zero.
    series.attrs.clear()
    assert current_of(series, "latest_week", "2026-03-25") == (None, None)


def test_series_of_the_wrong_period_is_rejected() -> None:
    with pytest.raises(ValueError, match="per-week series, got a per-month"):
        current_of(monthly("2026-01-01", [1, 2, 3]), "median_90d", "2026-04-01")


# --------------------------------------------------------------------------- statuses
# A 16-week objective on a weekly KPI: start Monday 2026-03-02, due Monday 2026-06-22
# (112 days), baseline 10, target 30. Each weekly value becomes known on the Monday after its
# week, so on 2026-04-01 the points sit at x = 7, 14, 21, 28 days and the due date at x = 112.

START, DUE = dt.date(2026, 3, 2), dt.date(2026, 6, 22)


def sixteen_weeks(values: list[float], as_of: str = "2026-04-01", **kw) -> ObjectiveResult:
    return evaluate(
        weekly("2026-03-02", values),
        baseline=kw.pop("baseline", 10),
        target=kw.pop("target", 30),
        start=START,
        due=DUE,
        as_of=pd.Timestamp(as_of),
        aggregation=kw.pop("aggregation", "latest_week"),
        **kw,
    )


def test_rising_series_projected_past_the_target_is_on_track() -> None:
    # Weeks of 03-02 .. 03-23: 10, 12, 14, 16; the week of 03-30 (500) is still running.
    result = sixteen_weeks([10, 12, 14, 16, 500])
    # Line through (7, 10) .. (28, 16): slope 2/7 per day; at x = 112: 10 + 105 * 2/7 = 40.
    assert result.projected == pytest.approx(40.0)
    assert result.current == 16.0
    assert result.as_of_period == pd.Timestamp("2026-03-23")
    assert result.progress == pytest.approx(0.3)  # (16 - 10) / (30 - 10)
    assert result.expected_progress == pytest.approx(30 / 112)  # 03-02 .. 04-01 = 30 days
    assert result.direction == "up"
    assert result.status == "on track"
    assert result.explanation == (
        "16.0 now, 30% of the way from 10 to 30 with 27% of the time gone; "
        "the trend points to 40.0 by 2026-06-22: on track."
    )


def test_flat_series_is_off_track() -> None:
    result = sixteen_weeks([12, 12, 12, 12])
    # Projection 12: projected progress (12 - 10) / 20 = 0.1 < 0.75.
    assert result.projected == pytest.approx(12.0)
    assert result.status == "off track"


def test_slightly_short_is_at_risk() -> None:
    result = sixteen_weeks([10, 11.2, 12.4, 13.6])
    # Slope 1.2/7 per day; at x = 112: 10 + 105 * 1.2/7 = 28; (28 - 10) / 20 = 0.9 in [0.75, 1).
    assert result.projected == pytest.approx(28.0)
    assert result.status == "at risk"


def test_met_early() -> None:
    result = sixteen_weeks([10, 20, 25, 31])
    assert result.current == 31.0
    assert result.progress == pytest.approx(1.05)  # (31 - 10) / 20
    assert result.status == "met"
    assert result.explanation == "31.0 now, target 30 by 2026-06-22: met."


def test_missed_after_due_is_judged_on_the_due_date() -> None:
    # 17 weeks from 03-02: the week of 06-15 (20) is the last one complete on the due date
    # (06-22); the week of 06-22 (35) ends after it and does not rescue the objective.
    values = [10.0] * 15 + [20, 35]
    result = sixteen_weeks(values, as_of="2026-07-01")
    assert result.current == 20.0
    assert result.as_of_period == pd.Timestamp("2026-06-15")
    assert result.expected_progress == 1.0
    assert result.status == "missed"
    assert result.explanation == "20.0 on the due date, target 30 by 2026-06-22: missed."
    # Reaching the target in the last week before the due date is met, even when judged later.
    assert sixteen_weeks([10.0] * 15 + [30, 5], as_of="2026-07-01").status == "met"


def test_too_few_points_compares_progress_with_the_schedule() -> None:
    # On 2026-03-18 only the weeks of 03-02 and 03-09 are complete: 2 points, no trend.
    # Expected progress 16 / 112 = 0.1429.
    on = sixteen_weeks([10, 13], as_of="2026-03-18")  # progress 3 / 20 = 0.15 >= 0.1429
    assert on.projected is None
    assert on.expected_progress == pytest.approx(16 / 112)
    assert on.progress == pytest.approx(0.15)
    assert on.status == "on track"
    assert "too few points for a trend" in on.explanation
    # progress 1 / 20 = 0.05 >= 0.1429 - 0.25 = -0.107: at risk.
    assert sixteen_weeks([10, 11], as_of="2026-03-18").status == "at risk"
    # progress -6 / 20 = -0.3 < -0.107: off track.
    assert sixteen_weeks([10, 4], as_of="2026-03-18").status == "off track"


def test_nan_points_are_left_out_of_the_trend() -> None:
    # Points (7, 10), (21, 14), (28, 16): three left, still on the line 10 + (x - 7) * 2/7.
    result = sixteen_weeks([10, NAN, 14, 16])
    assert result.projected == pytest.approx(40.0)
    assert result.status == "on track"
    # Two NaN weeks leave two points: no projection, the schedule fallback decides.
    assert sixteen_weeks([10, NAN, NAN, 16]).projected is None


def test_rolling_aggregation_projects_the_rolling_value() -> None:
    # 5 a week: the sum since start is 5, 10, 15, 20 at x = 7 .. 28: slope 5/7, 80 at x = 112.
    flat_counts = [5.0] * 4
    on = sixteen_weeks(flat_counts, baseline=0, target=75, aggregation="sum_since_start")
    assert on.current == 20.0
    assert on.projected == pytest.approx(80.0)
    assert on.status == "on track"
    # Target 100: projected progress 80 / 100 = 0.8, at risk.
    assert (
        sixteen_weeks(flat_counts, baseline=0, target=100, aggregation="sum_since_start").status
        == "at risk"
    )


def test_sum_ytd_judged_after_due_reads_the_due_year() -> None:
    # 2026 weeks 01-05 .. 12-21 (51 weeks) at 40 = 2,040; the week of 12-28 straddles into
    # 2027 and is left out, as is everything in 2027 (1,000 a week).
    series = weekly("2025-12-29", [0.0] + [40.0] * 51 + [40.0] + [1000.0] * 5)
    result = evaluate(
        series,
        baseline=1650,
        target=2000,
        start=dt.date(2026, 1, 1),
        due=dt.date(2026, 12, 31),
        as_of=dt.date(2027, 2, 1),
        aggregation="sum_ytd",
    )
    assert result.current == 2040.0
    assert result.as_of_period == pd.Timestamp("2026-12-21")
    assert result.status == "met"


# --------------------------------------------------------------------------- lower is better
# Time to first response from 70 h (baseline 2026-10-01) to 48 h by 2027-06-30 (272 days).

TTFR = {"baseline": 70, "target": 48, "start": dt.date(2026, 10, 1), "due": dt.date(2027, 6, 30)}


def test_lower_is_better_on_track() -> None:
    # Monthly medians Oct 2026 .. Jan 2027; on 2027-02-10 January is the last complete month.
    result = evaluate(
        monthly("2026-10-01", [68, 64, 60, 56, 20]),
        as_of=dt.date(2027, 2, 10),
        unit="hours",
        **TTFR,
    )
    assert result.direction == "down"
    assert result.current == 56.0
    assert result.progress == pytest.approx(14 / 22)  # (56 - 70) / (48 - 70) = 0.636
    assert result.expected_progress == pytest.approx(132 / 272)  # 2026-10-01 .. 2027-02-10
    # Points at x = 31, 61, 92, 123 days (Nov 1 .. Feb 1), y = 68, 64, 60, 56:
    # mean x 76.75, mean y 62; Sxy = -614, Sxx = 4712.75, slope -0.130285;
    # at x = 272: 62 - 195.25 * 0.130285 = 36.562 <= 48.
    assert result.projected == pytest.approx(36.5619, abs=1e-3)
    assert result.status == "on track"
    assert result.explanation.endswith("the trend points to 36.6 hours by 2027-06-30: on track.")


def test_lower_is_better_flat_and_met() -> None:
    flat = evaluate(monthly("2026-10-01", [70, 70, 70, 70]), as_of=dt.date(2027, 2, 10), **TTFR)
    # Projection 70: projected progress (70 - 70) / (48 - 70) = 0.
    assert flat.projected == pytest.approx(70.0)
    assert flat.status == "off track"
    met = evaluate(
        monthly("2026-10-01", [60, 31]), as_of=dt.date(2026, 12, 1), unit="hours", **TTFR
    )
    assert met.progress == pytest.approx(39 / 22)  # (31 - 70) / (48 - 70)
    assert met.status == "met"
    assert met.explanation == "31.0 hours now, target 48 hours by 2027-06-30: met."


# --------------------------------------------------------------------------- no data


def test_empty_series_is_no_data() -> None:
    empty = pd.DataFrame({"period_start": pd.to_datetime([]), "value": []})
    result = evaluate(empty, as_of=dt.date(2027, 2, 10), **TTFR)
    assert result == ObjectiveResult(
        current=None,
        as_of_period=None,
        progress=None,
        expected_progress=pytest.approx(132 / 272),  # type: ignore[arg-type]
        projected=None,
        status="no data",
        direction="down",
        explanation="No value for the last complete month yet, target 48 by 2027-06-30: no data.",
    )


def test_nan_current_value_is_no_data_even_after_due() -> None:
    # Judged on the due date (06-22): the week of 06-15 is NaN (no issues, say).
    result = sixteen_weeks([10.0] * 15 + [NAN], as_of="2026-07-01")
    assert (result.current, result.status) == (None, "no data")


def test_target_equal_to_baseline() -> None:
    result = sixteen_weeks([12, 12], as_of="2026-03-18", baseline=10, target=10)
    assert result.direction == "down"  # "up" only when the target is above the baseline
    assert result.progress is None
    assert result.status == "off track"
    assert "starting from 10" in result.explanation


def test_status_rank_sorts_worst_first() -> None:
    assert sorted(STATUSES, key=status_rank) == [
        "missed",
        "off track",
        "at risk",
        "no data",
        "on track",
        "met",
    ]
    with pytest.raises(ValueError, match="unknown status"):
        status_rank("great")


def test_trajectory_is_what_the_objective_measures_at_each_period_end() -> None:
    # Weeks of 2026-01-05 .. 2026-01-26 hold 1, 2, 3, 4 commits; as of Wednesday 2026-02-04 the
    # week of 02-02 is incomplete. sum_since_start from 2026-01-05: running sums 1, 3, 6, 10,
    # known the Monday after each week.
    result = evaluate(
        weekly("2026-01-05", [1, 2, 3, 4, 5]),
        baseline=0,
        target=40,
        start=dt.date(2026, 1, 5),
        due=dt.date(2026, 6, 30),
        as_of=pd.Timestamp("2026-02-04"),
        aggregation="sum_since_start",
    )
    assert result.trajectory["value"].tolist() == [1.0, 3.0, 6.0, 10.0]
    assert [d.strftime("%m-%d") for d in result.trajectory["date"]] == [
        "01-12",
        "01-19",
        "01-26",
        "02-02",
    ]
    assert result.current == 10.0
