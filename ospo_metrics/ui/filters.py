"""Filters of the export tables: scope, dates, kind, state (the CLI uses the same rules)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from ospo_metrics.queries import rows_in
from ospo_metrics.ui.data import context

ISSUE_KINDS = ("pull requests", "issues", "both")
STATES = ("any", "open", "closed", "merged")


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
    rows = rows_in(table, scope, context().groups, when="created_at", since=since, until=until)
    if rows.empty:
        return rows
    if kind != "both":
        rows = rows[rows["is_pull_request"] == (kind == "pull requests")]
    if relationship != "both":
        rows = rows[rows["relationship"] == relationship]
    if state != "any":
        rows = rows[rows["state"] == state]
    return rows
