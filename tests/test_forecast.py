"""Tests for kpis.forecast: hand-computed lines, domains, damping, probabilities."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kpis.forecast import (
    DAMPING_SPANS,
    MIN_DAMPING_DAYS,
    MIN_POINTS,
    forecast_cumulative,
    forecast_level,
)


def test_noiseless_line_is_the_hand_computed_damped_theil_sen_line() -> None:
    # Unbounded domain (identity space): points (0, 10), (7, 12), (14, 14), (21, 16) lie on
    # 10 + 2/7 x, so every pairwise slope is 2/7 and the residuals are 0: every replicate is
    # the damped line. Span 21 days -> damping over max(0.5 * 21, 28) = 28 days; the due day
    # 112 is 91 days after the last point: carried 21 + 28 * (1 - exp(-91 / 28)).
    forecast = forecast_level(
        np.array([0, 7, 14, 21]), np.array([10, 12, 14, 16]), 112, 20, "up", (None, None)
    )
    assert forecast is not None
    span = max(DAMPING_SPANS * 21, MIN_DAMPING_DAYS)
    carried = 21 + span * (1 - math.exp(-91 / span))
    expected = 10 + 2 / 7 * carried
    assert forecast.median == pytest.approx(expected)
    assert forecast.low == pytest.approx(expected)
    assert forecast.high == pytest.approx(expected)
    assert forecast.slope_per_day == pytest.approx(2 / 7)
    # expected ~ 24.0 >= 20 in every replicate.
    assert forecast.probability == 1.0
    assert forecast.band[-1][0] == 112
    assert forecast.band[-1][2] == pytest.approx(expected)


def test_one_outlier_does_not_move_the_line() -> None:
    # Theil-Sen: the 500 spike changes 4 of the 15 pairwise slopes; the median stays 0.
    days = np.array([0, 7, 14, 21, 28, 35])
    clean = forecast_level(days, np.array([50, 50, 50, 50, 50, 50]), 100, 60, "up")
    spiked = forecast_level(days, np.array([50, 50, 500, 50, 50, 50]), 100, 60, "up")
    assert clean is not None and spiked is not None
    assert clean.median == pytest.approx(50)
    assert spiked.median == pytest.approx(50, rel=0.05)
    assert spiked.slope_per_day == pytest.approx(0)


def test_counts_and_hours_never_go_negative() -> None:
    # A least-squares line through 68, 64, 60, 56, 52, 48 hours (-4 per week) reaches
    # -118 hours by day 272; the forecast approaches 0 from above instead.
    forecast = forecast_level(
        np.arange(7, 43, 7), np.array([68, 64, 60, 56, 52, 48.0]), 272, 10, "down"
    )
    assert forecast is not None
    assert 0 <= forecast.low <= forecast.median <= forecast.high < 48
    assert all(low >= 0 for _, low, _, _ in forecast.band)


def test_percentages_stay_within_0_and_100() -> None:
    forecast = forecast_level(
        np.arange(7, 50, 7), np.array([80, 86, 90, 95, 97, 99, 99.5]), 400, 100, "up", (0, 100)
    )
    assert forecast is not None
    assert forecast.high <= 100
    assert all(0 <= low <= high <= 100 for _, low, _, high in forecast.band)


def test_too_few_points_give_no_forecast() -> None:
    days = np.arange(MIN_POINTS - 1) * 7.0
    assert forecast_level(days, days + 1, 100, 5, "up") is None
    assert forecast_level(np.zeros(5), np.arange(5.0), 100, 5, "up") is None  # one day only
    assert forecast_cumulative(10, np.array([1.0, 2.0]), 5, 20, "up") is None


def test_running_sum_adds_the_weeks_to_come() -> None:
    # Five weeks of exactly 5: every replicate adds 5 a week; 20 + 8 * 5 = 60.
    forecast = forecast_cumulative(20, np.full(5, 5.0), 8, 60, "up")
    assert forecast is not None
    assert (forecast.low, forecast.median, forecast.high) == (60, 60, 60)
    assert forecast.probability == 1.0
    assert [row[0] for row in forecast.band] == list(range(9))
    assert forecast.band[0][2] == 20
    assert forecast_cumulative(20, np.full(5, 5.0), 8, 61, "up").probability == 0.0


def test_probability_is_the_share_of_replicates_reaching_the_target() -> None:
    # Weeks alternating 0 and 10 (mean 5): over 10 weeks the sum is ~50 give or take; a target
    # of 50 is a coin flip, 10 nearly certain, 100 nearly impossible.
    weeks = np.array([0, 10] * 6, dtype=float)
    assert 0.3 < forecast_cumulative(0, weeks, 10, 50, "up").probability < 0.7
    assert forecast_cumulative(0, weeks, 10, 10, "up").probability > 0.95
    assert forecast_cumulative(0, weeks, 10, 100, "up").probability < 0.05
    # The same data give the same answer every time (seeded from the data).
    first = forecast_cumulative(0, weeks, 10, 50, "up")
    assert first == forecast_cumulative(0, weeks, 10, 50, "up")
