"""Small helpers shared by the KPI modules (not part of the public API)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.periods import DATETIME_UNIT


def flag(values: pd.Series) -> pd.Series:
    """A plain boolean mask from a bool-like column; missing values count as False."""
    # Nullable or object columns would otherwise turn ~mask and & into NA-propagating logic.
    return values.astype("boolean").fillna(False).astype(bool)


def result(values: pd.Series) -> pd.Series:
    """Normalize a per-period Series: tz-naive ns index named period_start, float values."""
    out = values.astype("float64")
    out.index = pd.DatetimeIndex(out.index).astype(DATETIME_UNIT)
    out.index.name = "period_start"
    out.name = "value"
    return out.sort_index()


def empty_result() -> pd.Series:
    """A per-period Series with no periods."""
    return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))


def count_by(period_starts: pd.Series) -> pd.Series:
    """Number of rows per period start (NaT rows are ignored)."""
    return result(period_starts.dropna().value_counts())


def nunique_by(keys: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Number of distinct non-missing ``keys`` per period start."""
    frame = pd.DataFrame({"period": period_starts, "key": keys}).dropna(subset=["period"])
    return result(frame.groupby("period")["key"].nunique())


def median_by(values: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Median of ``values`` per period start; NaN where a period has only missing values."""
    frame = pd.DataFrame({"period": period_starts, "value": values}).dropna(subset=["period"])
    return result(frame.groupby("period")["value"].median())


def smallest_majority_by(keys: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Per period, the smallest number of ``keys`` that together hold at least half the rows.

    Keys are ranked by their row count, largest first, and added until the running total
    reaches 50% of the period's rows. Ties between equally-sized keys cannot change the
    answer, because only the sorted counts matter, not which key holds them.
    """
    frame = pd.DataFrame({"period": period_starts, "key": keys}).dropna()
    if frame.empty:
        return empty_result()
    counts = frame.groupby(["period", "key"]).size().rename("n").reset_index()
    counts = counts.sort_values(["period", "n"], ascending=[True, False], kind="stable")
    before = counts.groupby("period")["n"].cumsum() - counts["n"]
    total = counts.groupby("period")["n"].transform("sum")
    # A key is needed while the keys ranked above it hold less than half; integer
    # arithmetic (2 * before < total) avoids any float rounding at exactly 50%.
    needed = pd.Series(np.asarray(2 * before < total), index=counts.index)
    return result(needed.groupby(counts["period"]).sum())


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Elapsed hours from ``start`` to ``end`` (NaN where either is missing)."""
    return (end - start).dt.total_seconds() / 3600.0
