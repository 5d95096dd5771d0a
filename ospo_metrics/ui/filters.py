"""Filters of the export tables: scope, dates, kind, state (the CLI uses the same rules).

The filters run on the KPI frames already in memory (counts at once); the columns a person
reads (sha, subject, title, link) are read for the rows shown, and the whole filtered table
only when its CSV is asked for.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ospo_metrics import read
from ospo_metrics.read import rows_in
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


def _first(rows: pd.DataFrame, when: str, limit: int) -> list[int]:
    return rows.nsmallest(limit, [when, "id"])["id"].tolist() if len(rows) else []


# The details of the rows shown, kept per data version and id list: reading them costs a few
# seconds at a million commits (the people and affiliation lookups), which a rerun with the
# same filters must not pay again.
@st.cache_resource(max_entries=4, show_spinner=False)
def _details(database_url: str, key: str, what: str, ids: tuple[int, ...]) -> pd.DataFrame:
    ctx = context()
    load = read.load_commits_table if what == "commits" else read.load_issues_table
    return load(ctx.engine, ctx.rules, ids=list(ids))


def _cached_details(what: str, ids: list[int]) -> pd.DataFrame:
    from ospo_metrics.ui.data import data_key

    ctx = context()
    return _details(ctx.database_url, data_key(ctx), what, tuple(ids))


def commit_details(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The first `limit` of these commits (oldest first) with sha, subject, author and lines."""
    return _cached_details("commits", _first(rows, "authored_at", limit))


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
    return _cached_details("issues", _first(rows, "created_at", limit))


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
