"""Periods: every timestamp lands in the same week (Monday to Sunday), month and quarter, UTC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpis.periods import bucket, period_floor


def starts(values: list[str | None], period: str) -> list[str | None]:
    stamps = pd.Series(pd.to_datetime(values, utc=True, format="ISO8601"))
    return [None if pd.isna(v) else f"{v:%Y-%m-%d}" for v in bucket(stamps, period)]


def test_weeks_start_on_monday_in_utc() -> None:
    values = [
        "2024-03-03T23:59:59Z",  # a Sunday: the week of Monday 26 February
        "2024-03-04T00:00:00Z",  # Monday
        "2024-03-04T01:30:00+02:00",  # Sunday 23:30 UTC
        "1969-12-31T12:00:00Z",  # before 1970: a Wednesday
        None,
    ]
    assert starts(values, "week") == [
        "2024-02-26",
        "2024-03-04",
        "2024-02-26",
        "1969-12-29",
        None,
    ]


def test_months_and_quarters() -> None:
    values = ["2024-02-29T23:00:00Z", "2024-03-31T23:59:59Z", "2024-12-31T12:00:00Z", None]
    assert starts(values, "month") == ["2024-02-01", "2024-03-01", "2024-12-01", None]
    assert starts(values, "quarter") == ["2024-01-01", "2024-01-01", "2024-10-01", None]
    assert starts(["1969-11-15T00:00:00Z"], "quarter") == ["1969-10-01"]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_every_start_is_the_period_floor_of_its_timestamp(period: str) -> None:
    """The vectorized bucket and the single-value floor agree, over 60 years of random
    instants (both sides of 1970, every weekday and month end)."""
    rng = np.random.default_rng(3)
    seconds = rng.integers(-(10**9), 2 * 10**9, 2000)
    stamps = pd.Series(pd.to_datetime(seconds, unit="s", utc=True))
    expected = [period_floor(value, period) for value in stamps]
    assert bucket(stamps, period).tolist() == expected
