"""Filters of the export tables: scope, dates, kind, state (the CLI uses the same rules).

The filters run on the KPI frames already in memory (counts at once); the columns a person
reads (sha, subject, title, link) are read for the rows shown, and the whole filtered table
only when its CSV is asked for.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ospo_metrics import read
from ospo_metrics.read import ISSUE_KINDS, RELATIONSHIPS, STATES, rows_in  # noqa: F401  (pages)
from ospo_metrics.ui.data import context


def filter_commits(
    table: pd.DataFrame, scope: str, since: date | None, until: date | None, employees_only: bool
) -> pd.DataFrame:
    rows = rows_in(table, scope, context().groups, when="authored_at", since=since, until=until)
    if employees_only:
        rows = rows[rows["is_employee"]]
    return rows


def filter_issues(
    table: pd.DataFrame,
    scope: str,
    kind: str,
    relationship: str,
    state: str,
    since: date | None,
    until: date | None,
) -> pd.DataFrame:
    """Issues and pull requests by scope, kind, owned/upstream, state and creation date."""
    groups = context().groups
    return read.issue_rows(table, scope, groups, kind, relationship, state, since, until)


def _shown(what: str, ids: list[int]) -> pd.DataFrame:
    # Kept per data version and id list, on disk too (read/details.py): a rerun or a new
    # process with the same filters reads nothing again.
    from ospo_metrics.ui.data import frames

    ctx = context()
    return read.shown_details(ctx.engine, ctx.rules, frames("all"), what, ids)


def commit_details(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The first `limit` of these commits (oldest first) with sha, subject, author and lines."""
    return _shown("commits", read.first_ids(rows, "commits", limit))


def commits_csv(
    scope: str, since: date | None, until: date | None, employees_only: bool
) -> pd.DataFrame:
    """The whole filtered commits table, read when its CSV is asked for."""
    ctx = context()
    rows = read.load_commits_table(
        ctx.engine, ctx.rules, scope, ctx.groups, since=since, until=until
    )
    return rows[rows["is_employee"]] if employees_only and len(rows) else rows


def issue_details(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The first `limit` of these issues and pull requests with title, link and organization."""
    return _shown("issues", read.first_ids(rows, "issues", limit))


def issues_csv(
    scope: str,
    kind: str,
    relationship: str,
    state: str,
    since: date | None,
    until: date | None,
) -> pd.DataFrame:
    """The whole filtered issues table, read when its CSV is asked for."""
    ctx = context()
    table = read.load_issues_table(ctx.engine, ctx.rules, scope, ctx.groups)
    return filter_issues(table, "all", kind, relationship, state, since, until)
