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


def test_steady_rise_past_the_target_is_on_track() -> None:
    # 16 weeks: 10, 12, 14, ... known by 2026-04-29 (8 complete weeks, the running one 500).
    result = sixteen_weeks([10, 12, 14, 16, 18, 20, 22, 24, 500], as_of="2026-04-29")
    assert result.current == 24.0
    assert result.progress == pytest.approx(0.7)  # (24 - 10) / (30 - 10)
    assert result.direction == "up"
    assert result.trend == "towards"
    assert result.projected > 30
    assert result.forecast_low <= result.projected <= result.forecast_high
    assert result.probability >= 0.7
    assert result.status == "on track"
    assert result.explanation.startswith("24.0 now, 70% of the way from 10 to 30, with 52% of")
    assert "chance of reaching 30: on track." in result.explanation
    # The band starts at the last measured point and ends on the day after the due date.
    assert result.band["date"].iloc[0] == result.trajectory["date"].iloc[-1]
    assert result.band["date"].iloc[-1] == pd.Timestamp("2026-06-23")


def test_flat_series_is_off_track() -> None:
    result = sixteen_weeks([12] * 8, as_of="2026-04-29")
    assert result.projected == pytest.approx(12.0)
    assert result.trend == "flat"
    assert result.probability == 0.0
    assert result.status == "off track"


def test_moving_away_is_never_on_track() -> None:
    # Lower is better (baseline 70 h, target 48 h), the median rose for 8 weeks: it moved
    # away from the target by (198.7 - 70) / 70 = 184 %, and the forecast stays >= 0.
    result = sixteen_weeks(
        [70, 75, 82, 95, 110, 130, 160, 198.7], as_of="2026-04-29", baseline=70, target=48
    )
    assert result.direction == "down"
    assert result.progress == 0.0
    assert result.moved_away == pytest.approx(128.7 / 70)
    assert result.trend == "away"
    assert result.status == "off track"
    assert result.forecast_low >= 0
    assert "moved away from the target by 184% (baseline 70, target 48)" in result.explanation
    # Just short of the target with the latest weeks rising again: the forecast may well
    # reach 48, but a trend away from the target caps the status at "at risk".
    near = sixteen_weeks(
        [30, 31, 32, 33, 34, 35, 36, 49], as_of="2026-04-29", baseline=70, target=48
    )
    assert near.probability >= 0.7
    assert near.trend == "away"
    assert near.status == "at risk"


def test_met_early() -> None:
    result = sixteen_weeks([10, 20, 25, 31])
    assert result.current == 31.0
    assert result.progress == 1.0  # bounded: (31 - 10) / 20 = 1.05
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
    # On 2026-03-18 only the weeks of 03-02 and 03-09 are complete, and the table starts at
    # the start: 2 points, no forecast. Expected progress 16 / 112 = 0.1429.
    on = sixteen_weeks([10, 13], as_of="2026-03-18")  # progress 3 / 20 = 0.15 >= 0.1429
    assert on.projected is None and on.probability is None
    assert on.expected_progress == pytest.approx(16 / 112)
    assert on.progress == pytest.approx(0.15)
    assert on.status == "on track"
    assert "Too few points for a forecast" in on.explanation
    # progress 1 / 20 = 0.05 >= 0.1429 - 0.25 = -0.107: at risk.
    assert sixteen_weeks([10, 11], as_of="2026-03-18").status == "at risk"
    # 4 is below the baseline: moved away by 60 % of the baseline, progress 0; off track.
    away = sixteen_weeks([10, 4], as_of="2026-03-18")
    assert (away.progress, away.moved_away, away.status) == (0.0, pytest.approx(0.6), "off track")
    # Slightly below the baseline on the first day: within the lag (at risk), never on track.
    assert sixteen_weeks([10, 9.5], as_of="2026-03-03").status in ("no data", "at risk")


def test_weeks_before_the_start_complete_a_young_objective() -> None:
    # Eight weeks before the start (from 2026-01-05) and two after: the forecast reads the
    # last FIT_POINTS known values, so a two-week-old objective already has a band.
    series = weekly("2026-01-05", [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 99])
    result = evaluate(
        series,
        baseline=18,
        target=30,
        start=START,
        due=DUE,
        as_of=pd.Timestamp("2026-03-18"),
        aggregation="latest_week",
    )
    assert len(result.trajectory) == 2  # the chart's history since the start
    assert result.probability is not None
    assert result.trend == "towards"


def test_nan_points_are_left_out_of_the_forecast() -> None:
    with_gap = sixteen_weeks([10, 12, NAN, 16, 18, 20, 22, 24], as_of="2026-04-29")
    assert len(with_gap.trajectory) == 7
    assert with_gap.status == "on track"


def test_running_sum_forecast_adds_the_weeks_to_come() -> None:
    # 5 a week: 20 after four weeks (as of 2026-04-01, the running week starts 03-30). The due
    # date 06-22 is a Monday, so the weeks of 03-30 .. 06-15 (12 weeks) still count: every
    # replicate of a constant 5 a week says 20 + 12 * 5 = 80.
    on = sixteen_weeks([5.0] * 4, baseline=0, target=75, aggregation="sum_since_start")
    assert on.current == 20.0
    assert on.projected == pytest.approx(80.0)
    assert (on.forecast_low, on.forecast_high) == (80.0, 80.0)
    assert on.probability == 1.0
    assert on.status == "on track"
    off = sixteen_weeks([5.0] * 4, baseline=0, target=100, aggregation="sum_since_start")
    assert (off.probability, off.status) == (0.0, "off track")
    assert off.band["median"].iloc[0] == 20.0 and off.band["median"].iloc[-1] == 80.0


def test_percentage_forecasts_stay_below_100() -> None:
    result = sixteen_weeks(
        [80, 86, 90, 94, 97, 98, 99, 99.5],
        as_of="2026-04-29",
        baseline=80,
        target=100,
        domain=(0.0, 100.0),
        unit="%",
    )
    assert result.forecast_high <= 100
    assert result.band["high"].max() <= 100


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


def test_lower_is_better_falling_towards_the_target() -> None:
    # Monthly medians from July (before the start) to January: falling steadily by ~4 h a month.
    result = evaluate(
        monthly("2026-07-01", [80, 76, 72, 68, 64, 60, 56, 20]),
        as_of=dt.date(2027, 2, 10),
        unit="hours",
        **TTFR,
    )
    assert result.direction == "down"
    assert result.current == 56.0
    assert result.progress == pytest.approx(14 / 22)  # (56 - 70) / (48 - 70) = 0.636
    assert result.expected_progress == pytest.approx(132 / 272)  # 2026-10-01 .. 2027-02-10
    assert result.trend == "towards"
    assert 0 < result.forecast_low < result.projected < 56
    assert result.forecast_high > result.projected
    # A damped trend (see kpis.forecast) is more modest than the straight line (36.6 h).
    assert result.status in ("on track", "at risk", "off track")
    assert "Forecast for 2027-06-30:" in result.explanation
    assert "hours (80% range" in result.explanation


def test_lower_is_better_flat_and_met() -> None:
    flat = evaluate(
        monthly("2026-06-01", [70, 70, 70, 70, 70, 70, 70, 70]), as_of=dt.date(2027, 2, 10), **TTFR
    )
    assert flat.projected == pytest.approx(70.0)
    assert flat.status == "off track"
    met = evaluate(
        monthly("2026-10-01", [60, 31]), as_of=dt.date(2026, 12, 1), unit="hours", **TTFR
    )
    assert met.progress == 1.0  # bounded: (31 - 70) / (48 - 70) = 1.77 is past the target
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
        explanation="No value in the last complete month yet (target 48 by 2027-06-30): no data.",
    )


def test_median_90d_without_values_says_where_it_looked() -> None:
    empty = pd.DataFrame({"period_start": pd.to_datetime([]), "value": []})
    result = evaluate(empty, as_of=dt.date(2027, 2, 10), aggregation="median_90d", **TTFR)
    assert result.status == "no data"
    assert result.explanation.startswith("No value in the complete weeks of the last 90 days")


def test_median_90d_reads_the_weeks_of_the_last_90_days() -> None:
    # 30 weekly medians of 60 h from 2026-06-01; on 2027-01-06 the last 12 complete weeks
    # hold 60 each: the 90-day median is 60 and the forecast has plenty of points.
    result = evaluate(
        weekly("2026-06-01", [60.0] * 32),
        as_of=dt.date(2027, 1, 6),
        aggregation="median_90d",
        **TTFR,
    )
    assert result.current == 60.0
    assert result.probability is not None
    assert result.status == "off track"


def test_nan_current_value_is_no_data_even_after_due() -> None:
    # Judged on the due date (06-22): the week of 06-15 is NaN (no issues, say).
    result = sixteen_weeks([10.0] * 15 + [NAN], as_of="2026-07-01")
    assert (result.current, result.status) == (None, "no data")


def test_target_equal_to_baseline() -> None:
    result = sixteen_weeks([12, 12], as_of="2026-03-18", baseline=10, target=10)
    assert result.direction == "down"  # "up" only when the target is above the baseline
    assert result.progress is None
    assert result.status == "off track"
    assert "no progress measure (target equals baseline)" in result.explanation


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
