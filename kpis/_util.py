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


def median_of(values: pd.Series, groups: pd.Series) -> pd.Series:
    """Median of ``values`` per group (a period start, a repository, ...); NaN where a group
    has only missing values. The group is the index, unconverted."""
    frame = pd.DataFrame({"group": groups, "value": values}).dropna(subset=["group"])
    return frame.groupby("group")["value"].median().astype("float64")


def median_by(values: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Median of ``values`` per period start; NaN where a period has only missing values."""
    return result(median_of(values, period_starts))


def smallest_majority_of(keys: pd.Series, groups: pd.Series) -> pd.Series:
    """Per group (a period start, a repository, ...), the smallest number of ``keys`` that
    together hold at least half the group's rows; the group is the index, unconverted.

    Keys are ranked by their row count, largest first, and added until the running total
    reaches 50% of the group's rows. Ties between equally-sized keys cannot change the
    answer, because only the sorted counts matter, not which key holds them.
    """
    frame = pd.DataFrame({"group": groups, "key": keys}).dropna()
    if frame.empty:
        return pd.Series([], dtype="float64", index=pd.Index([], name="group"))
    counts = frame.groupby(["group", "key"]).size().rename("n").reset_index()
    counts = counts.sort_values(["group", "n"], ascending=[True, False], kind="stable")
    before = counts.groupby("group")["n"].cumsum() - counts["n"]
    total = counts.groupby("group")["n"].transform("sum")
    # A key is needed while the keys ranked above it hold less than half; integer
    # arithmetic (2 * before < total) avoids any float rounding at exactly 50%.
    needed = pd.Series(np.asarray(2 * before < total), index=counts.index)
    return needed.groupby(counts["group"]).sum().astype("float64")


def smallest_majority_by(keys: pd.Series, period_starts: pd.Series) -> pd.Series:
    """Per period, the smallest number of ``keys`` that together hold at least half the rows
    (see :func:`smallest_majority_of`)."""
    values = smallest_majority_of(keys, period_starts)
    return result(values) if len(values) else empty_result()


def within(at: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Whether each timestamp falls in the window [start, end) (missing: False)."""
    return ((at >= start) & (at < end)).fillna(False).astype(bool)


def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Elapsed hours from ``start`` to ``end`` (NaN where either is missing)."""
    return (end - start).dt.total_seconds() / 3600.0
