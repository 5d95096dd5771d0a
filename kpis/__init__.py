"""OSPO key performance indicators as pure functions over pandas DataFrames.

This package reads DataFrames and nothing else: no database, HTTP, Streamlit or
``ospo_metrics`` imports, so the dashboard pages, the CLI and the CSV export all get the
same numbers from the same code.

Typical use::

    frames = kpis.Frames(commits=commits_df, issues=issues_df)
    table = kpis.series("commits", frames, "week", start="2024-01-01", end=today)
    tile = kpis.latest_change(table, as_of=today)
"""

from kpis.periods import PERIODS, Period, bucket, period_floor, period_range
from kpis.registry import KPI, REGISTRY, UnknownKPIError, get
from kpis.schema import (
    COMMIT_COLUMNS,
    COMMITS_SCHEMA,
    CONTRIBUTION_COLUMNS,
    CONTRIBUTION_KINDS,
    CONTRIBUTIONS_SCHEMA,
    INDEPENDENT,
    ISSUE_COLUMNS,
    ISSUES_SCHEMA,
    NON_ORGANIZATIONS,
    OWNED,
    UNKNOWN,
    UPSTREAM,
    Frames,
    commits_frame,
    contributions_frame,
    empty_frames,
    issues_frame,
)
from kpis.timeseries import (
    SERIES_COLUMNS,
    Change,
    coverage_at,
    latest_change,
    periodic_values,
    series,
    series_between,
    with_coverage,
)

__all__ = [
    "COMMITS_SCHEMA",
    "COMMIT_COLUMNS",
    "CONTRIBUTIONS_SCHEMA",
    "CONTRIBUTION_COLUMNS",
    "CONTRIBUTION_KINDS",
    "INDEPENDENT",
    "ISSUES_SCHEMA",
    "ISSUE_COLUMNS",
    "KPI",
    "NON_ORGANIZATIONS",
    "OWNED",
    "PERIODS",
    "REGISTRY",
    "SERIES_COLUMNS",
    "UNKNOWN",
    "UPSTREAM",
    "Change",
    "Frames",
    "Period",
    "UnknownKPIError",
    "bucket",
    "commits_frame",
    "contributions_frame",
    "coverage_at",
    "empty_frames",
    "get",
    "issues_frame",
    "latest_change",
    "period_floor",
    "period_range",
    "periodic_values",
    "series",
    "series_between",
    "with_coverage",
]
