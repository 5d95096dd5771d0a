"""Tables people look at and export: commits and issues with their details, repositories,
collection runs; and the scope-and-date filter they share.

The commits and issues tables are the KPI frames' rows with the columns a person reads
(sha, subject, author's name and address, title, link), filtered in SQL by scope and dates,
or fetched by id for the rows a page shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from kpis.schema import Frames, commits_frame, issues_frame
from ospo_metrics.affiliation import AffiliationRules
from ospo_metrics.models import CollectionRun, Commit, Issue, Repository
from ospo_metrics.read.columnar import read_frame, reader
from ospo_metrics.read.frames import (
    COMMIT_EXTRAS,
    ISSUE_EXTRAS,
    Lookups,
    commits,
    issues,
    read_lookups,
    repository_ids,
)
from ospo_metrics.scope import repositories_in_scope

COMMIT_TABLE_COLUMNS = (
    "repo",
    "sha",
    "authored_at",
    "author_id",
    "author_name",
    "author_email",
    "organization",
    "affiliation_source",
    "is_employee",
    "is_bot",
    "actor",
    "is_merge",
    "additions",
    "deletions",
    "files_changed",
    "binary_files",
    "signed_off",
    "relationship",
    "subject",
)
ISSUE_TABLE_COLUMNS = (
    "repo",
    "relationship",
    "number",
    "is_pull_request",
    "title",
    "author_id",
    "author_login",
    "author_is_bot",
    "author_actor",
    "state",
    "is_draft",
    "created_at",
    "closed_at",
    "merged_at",
    "first_response_at",
    "html_url",
    "organization",
    "author_is_employee",
    "affiliation_source",
)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _date_filters(column, since: date | None, until: date | None) -> list:
    out = []
    if since:
        out.append(column >= _day_start(since))
    if until:
        out.append(column < _day_start(until) + timedelta(days=1))
    return out


def _in(column, repositories: Sequence[int] | None) -> list:
    return [] if repositories is None else [column.in_(repositories)]


def load_commits_table(
    engine: Engine,
    rules: AffiliationRules,
    scope: str = "all",
    groups: Mapping[str, Sequence[str]] | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    ids: Sequence[int] | None = None,
    lookups: Lookups | None = None,
) -> pd.DataFrame:
    """Commits of a scope authored from `since` to `until` (days, both included, UTC), or the
    commits with these `ids`, with the author's organization that day; oldest first.
    `lookups` (people, repositories, employments of this data version) saves reading them."""
    repositories = repository_ids(engine, scope, groups or {})
    filters = _date_filters(Commit.authored_at, since, until)
    if ids is not None:
        filters.append(Commit.id.in_([int(i) for i in ids]))
    with reader(engine) as read:
        lookups = lookups if lookups is not None else read_lookups(read, rules)
        frame = commits(read, lookups, repositories, filters)
        details = read.frame(
            select(
                Commit.id,
                Commit.sha,
                Commit.author_name,
                Commit.author_email,
                Commit.additions,
                Commit.deletions,
                Commit.files_changed,
                Commit.binary_files,
                Commit.subject,
            ).where(*_in(Commit.repository_id, repositories), *filters)
        )
    if frame.empty:
        return pd.DataFrame({column: [] for column in COMMIT_TABLE_COLUMNS})
    frame = frame.merge(details, on="id", how="left")
    # The name this commit was written with; an author without one shows the address.
    frame["author_name"] = frame["author_name"].where(
        frame["author_name"].fillna("") != "", frame["author_email"]
    )
    frame = frame.sort_values(["authored_at", "id"], kind="stable").reset_index(drop=True)
    return frame[list(COMMIT_TABLE_COLUMNS)]


def load_issues_table(
    engine: Engine,
    rules: AffiliationRules,
    scope: str = "all",
    groups: Mapping[str, Sequence[str]] | None = None,
    *,
    since: date | None = None,
    until: date | None = None,
    ids: Sequence[int] | None = None,
    lookups: Lookups | None = None,
) -> pd.DataFrame:
    """Issues and pull requests of a scope created from `since` to `until`, or those with
    these `ids`, with the author's affiliation when each was opened; oldest first.
    `lookups` as for `load_commits_table`."""
    repositories = repository_ids(engine, scope, groups or {})
    filters = _date_filters(Issue.created_at, since, until)
    if ids is not None:
        filters.append(Issue.id.in_([int(i) for i in ids]))
    with reader(engine) as read:
        lookups = lookups if lookups is not None else read_lookups(read, rules)
        frame = issues(read, lookups, repositories, filters)
        details = read.frame(
            select(Issue.id, Issue.title, Issue.html_url).where(
                *_in(Issue.repository_id, repositories), *filters
            )
        )
    if frame.empty:
        return pd.DataFrame({column: [] for column in ISSUE_TABLE_COLUMNS})
    frame = frame.merge(details, on="id", how="left")
    frame = frame.sort_values(["created_at", "id"], kind="stable").reset_index(drop=True)
    return frame[list(ISSUE_TABLE_COLUMNS)]


def frames_from_tables(
    commits: pd.DataFrame, issues: pd.DataFrame, contributions: pd.DataFrame | None = None
) -> Frames:
    """KPI frames from the commits and issues tables (keeping the read side's extra columns
    where present); without `contributions`, only the commits and issues themselves count."""
    issues = issues.assign(author_id=issues["author_id"].astype("Int64")) if len(issues) else issues
    commits = commits_frame(commits, keep=COMMIT_EXTRAS)
    issues = issues_frame(issues, keep=ISSUE_EXTRAS)
    return Frames(commits=commits, issues=issues, contributions=contributions)


def rows_in(
    table: pd.DataFrame,
    scope: str,
    groups: Mapping[str, Sequence[str]],
    *,
    when: str,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Rows of the repositories `scope` covers whose `when` column falls on a day from `since`
    to `until` (both included, UTC)."""
    if table.empty:
        return table
    rows = table
    if scope != "all":
        names = table["repo"].dropna().unique().tolist()
        rows = rows[rows["repo"].isin(sorted(repositories_in_scope(scope, names, groups)))]
    if since:
        rows = rows[rows[when] >= pd.Timestamp(since, tz="UTC")]
    if until:
        rows = rows[rows[when] < pd.Timestamp(until, tz="UTC") + pd.Timedelta(days=1)]
    return rows


def load_repositories(engine: Engine) -> pd.DataFrame:
    return read_frame(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.platform,
            Repository.relationship,
            Repository.source,
            Repository.is_archived,
            Repository.license_spdx,
            Repository.stars,
            Repository.unavailable_reason,
        ).order_by(Repository.full_name),
    )


def load_runs(engine: Engine, limit: int = 200) -> pd.DataFrame:
    return read_frame(
        engine,
        select(
            CollectionRun.id,
            CollectionRun.collector,
            CollectionRun.target,
            CollectionRun.started_at,
            CollectionRun.finished_at,
            CollectionRun.status,
            CollectionRun.items_seen,
            CollectionRun.items_written,
            CollectionRun.requests_made,
            CollectionRun.rate_limit_used,
            CollectionRun.error,
        )
        .order_by(CollectionRun.id.desc())
        .limit(limit),
    )


def load_person_names(engine: Engine) -> pd.DataFrame:
    """Every person's id, name and login (pages pseudonymize them in privacy mode)."""
    from ospo_metrics.models import Person

    return read_frame(engine, select(Person.id.label("person_id"), Person.name, Person.login))
