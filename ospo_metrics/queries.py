"""The one place that reads the database into DataFrames for KPIs, pages and exports.

Loads whole tables with a handful of queries and resolves affiliations in pandas: the KPI
functions then never touch the database, and every view of a number starts from the same frame.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from kpis.schema import Frames, commits_frame, issues_frame
from ospo_metrics.models import (
    CollectionRun,
    Commit,
    Issue,
    Person,
    Repository,
)
from ospo_metrics.people.affiliation import AffiliationRules, affiliate, best_emails
from ospo_metrics.people.bots import HUMAN
from ospo_metrics.people.contributions import load_contributions
from ospo_metrics.people.directory import load_employments, load_identities, person_actors
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


def _read(engine: Engine, statement) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _utc(values: pd.Series) -> pd.Series:
    # SQLite hands back naive strings; everything is stored in UTC, so say so.
    return pd.to_datetime(values, utc=True, format="ISO8601")


def _affiliate(
    frame: pd.DataFrame,
    engine: Engine,
    rules: AffiliationRules,
    when: str,
    actor: pd.Series,
    email: str = "author_email",
) -> pd.DataFrame:
    """organization, is_employee and affiliation_source of each row's author on its date."""
    return affiliate(
        frame,
        load_employments(engine),
        rules,
        person="author_id",
        email=email,
        when=when,
        actor=actor,
    )


def _actors(engine: Engine, rules: AffiliationRules, person_ids: pd.Series) -> pd.Series:
    """Each row's author as "human", "bot" or "ai_agent" (the one bot rule, over every name
    and address the person was ever seen with)."""
    kinds = person_actors(engine, rules.bots)
    return person_ids.map(kinds).fillna(HUMAN).astype(object)


def load_commits_table(engine: Engine, rules: AffiliationRules) -> pd.DataFrame:
    """Every stored commit with its repository, author and the author's organization that day."""
    frame = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Commit.sha,
            Commit.authored_at,
            Commit.author_id,
            Commit.author_name,
            Commit.author_email,
            Commit.is_merge,
            Commit.additions,
            Commit.deletions,
            Commit.files_changed,
            Commit.binary_files,
            Commit.signed_off,
            Commit.subject,
        )
        .join(Repository, Commit.repository_id == Repository.id)
        .order_by(Commit.authored_at),
    )
    if frame.empty:
        return pd.DataFrame({column: [] for column in COMMIT_TABLE_COLUMNS})
    frame["authored_at"] = _utc(frame["authored_at"])
    # The name this commit was written with; an author without one shows the address.
    frame["author_name"] = frame["author_name"].where(
        frame["author_name"].fillna("") != "", frame["author_email"]
    )
    frame["actor"] = _actors(engine, rules, frame["author_id"])
    frame["is_bot"] = frame["actor"].map(rules.bots.is_excluded).astype(bool)
    affiliation = _affiliate(frame, engine, rules, "authored_at", frame["actor"])
    frame[list(affiliation.columns)] = affiliation
    return frame[list(COMMIT_TABLE_COLUMNS)]


def load_issues_table(engine: Engine, rules: AffiliationRules) -> pd.DataFrame:
    """Every stored issue and pull request, with the author's affiliation when it was opened."""
    author = aliased(Person)
    frame = _read(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Issue.number,
            Issue.is_pull_request,
            Issue.title,
            Issue.author_id,
            Issue.author_login,
            author.login.label("person_login"),
            Issue.state,
            Issue.is_draft,
            Issue.created_at,
            Issue.closed_at,
            Issue.merged_at,
            Issue.first_response_at,
            Issue.html_url,
        )
        .join(Repository, Issue.repository_id == Repository.id)
        .outerjoin(author, Issue.author_id == author.id)
        .order_by(Issue.created_at),
    )
    columns = [c for c in frame.columns if c != "person_login"]
    columns[columns.index("author_login") + 1 : columns.index("author_login") + 1] = [
        "author_is_bot",
        "author_actor",
    ]
    columns += ["organization", "author_is_employee", "affiliation_source"]
    if frame.empty:
        return pd.DataFrame({column: [] for column in columns})
    for column in ("created_at", "closed_at", "merged_at", "first_response_at"):
        frame[column] = _utc(frame[column])
    # The login the item was opened with (rows from before it was stored: the person's).
    frame["author_login"] = frame["author_login"].fillna(frame["person_login"]).fillna("ghost")
    frame["author_actor"] = _actors(engine, rules, frame["author_id"])
    frame["author_is_bot"] = frame["author_actor"].map(rules.bots.is_excluded).astype(bool)
    # Platform accounts have no email on an issue: the person's known emails stand in for it.
    frame["author_email"] = frame["author_id"].map(best_emails(load_identities(engine), rules))
    affiliation = _affiliate(frame, engine, rules, "created_at", frame["author_actor"])
    frame["organization"] = affiliation["organization"]
    frame["author_is_employee"] = affiliation["is_employee"]
    frame["affiliation_source"] = affiliation["affiliation_source"]
    return frame[columns]


def load_frames(engine: Engine, rules: AffiliationRules) -> Frames:
    """The KPI input frames for everything in the database."""
    commits, issues = load_commits_table(engine, rules), load_issues_table(engine, rules)
    return frames_from_tables(commits, issues, load_contributions(engine, rules, commits, issues))


def frames_from_tables(
    commits: pd.DataFrame, issues: pd.DataFrame, contributions: pd.DataFrame | None = None
) -> Frames:
    """Frames from the tables above; without `contributions` (load_contributions), only the
    commits and issues themselves count as contributions."""
    issues = issues.assign(author_id=issues["author_id"].astype("Int64")) if len(issues) else issues
    return Frames(
        commits=commits_frame(commits), issues=issues_frame(issues), contributions=contributions
    )


def rows_in(
    table: pd.DataFrame,
    scope: str,
    groups: dict[str, list[str]],
    *,
    when: str,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Rows of the repositories `scope` covers whose `when` column falls on a day from `since`
    to `until` (both included, UTC)."""
    if table.empty:
        return table
    rows = table[table["repo"].isin(repositories_in_scope(scope, set(table["repo"]), groups))]
    if since:
        rows = rows[rows[when] >= pd.Timestamp(since, tz="UTC")]
    if until:
        rows = rows[rows[when] < pd.Timestamp(until, tz="UTC") + pd.Timedelta(days=1)]
    return rows


def load_repositories(engine: Engine) -> pd.DataFrame:
    return _read(
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
    frame = _read(
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
    for column in ("started_at", "finished_at"):
        if len(frame):
            frame[column] = _utc(frame[column])
    return frame


def scoped_frames(frames: Frames, scope: str, groups: dict[str, list[str]]) -> Frames:
    """The frames restricted to the repositories a scope covers (upstream ones stay in `all`)."""
    if scope == "all":
        return frames
    tables = {f.name: getattr(frames, f.name) for f in dataclasses.fields(frames)}
    names = set().union(*(set(t["repo"]) for t in tables.values() if "repo" in t.columns))
    keep = repositories_in_scope(scope, names, groups)

    return Frames(
        **{
            name: table[table["repo"].isin(keep)].reset_index(drop=True)
            if "repo" in table.columns
            else table
            for name, table in tables.items()
        }
    )
