"""Moved to `ospo_metrics.read` (columnar loading, frames, tables, caches); these names stay
importable from here while callers move over."""

from ospo_metrics.read import (
    COMMIT_TABLE_COLUMNS,
    frames_from_tables,
    load_commits_table,
    load_employments,
    load_frames,
    load_issues_table,
    load_repositories,
    load_runs,
    rows_in,
    scoped_frames,
)

__all__ = [
    "COMMIT_TABLE_COLUMNS",
    "frames_from_tables",
    "load_commits_table",
    "load_employments",
    "load_frames",
    "load_issues_table",
    "load_repositories",
    "load_runs",
    "rows_in",
    "scoped_frames",
]
