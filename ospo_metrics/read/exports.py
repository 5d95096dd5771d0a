"""Every table the analyst exports, by name: one implementation each, for the Explore and
export page and `ospo-metrics export TABLE` alike, so both have the same rows and columns.

A table is read for a scope and an optional date range (days, both included, UTC) on its
date column. The page reads it once per data version and filters (cached by the caller), shows
it a page at a time and writes the CSV only when asked; the CLI writes the CSV straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from kpis.schema import Frames
from ospo_metrics.models import Comment, Issue, Repository
from ospo_metrics.people.affiliation import best_emails
from ospo_metrics.people.directory import load_identities
from ospo_metrics.read.columnar import reader, utc_timestamps
from ospo_metrics.read.frames import _affiliated, _excluded, read_lookups
from ospo_metrics.read.tables import load_commits_table, load_issues_table, rows_in
from ospo_metrics.scope import repositories_in_scope

if TYPE_CHECKING:
    from ospo_metrics.context import Context

COMMENT_COLUMNS = (
    "repo",
    "relationship",
    "number",
    "is_pull_request",
    "kind",
    "review_state",
    "author_id",
    "author_login",
    "organization",
    "is_employee",
    "is_bot",
    "created_at",
    "html_url",
)
UPSTREAM_COLUMNS = (
    "kind",
    "repo",
    "number",
    "title",
    "author_id",
    "author_login",
    "organization",
    "created_at",
    "state",
    "merged_at",
    "review_state",
    "html_url",
)


@dataclass(frozen=True)
class Export:
    name: str  # `ospo-metrics export NAME`, and the file name's start
    title: str
    when: str | None  # the date column --since/--until filter on (None: no dates)
    load: Callable[[Context, Frames, str, date | None, date | None], pd.DataFrame]
    note: str = ""


def load_comments_table(
    context: Context,
    scope: str = "all",
    *,
    kinds: tuple[str, ...] = ("comment", "review_comment"),
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Comments (or reviews) on issues and pull requests of a scope, with the author's
    organization on the day; oldest first."""
    statement = (
        select(
            Comment.id,
            Comment.kind,
            Comment.created_at,
            Comment.author_id,
            Comment.author_login,
            Comment.review_state,
            Issue.number,
            Issue.is_pull_request,
            Issue.html_url,
            Repository.full_name.label("repo"),
            Repository.relationship,
        )
        .join(Issue, Comment.issue_id == Issue.id)
        .join(Repository, Issue.repository_id == Repository.id)
        .where(Comment.kind.in_(kinds))
    )
    with reader(context.engine) as read:
        lookups = read_lookups(read, context.rules)
        table = read.arrow(statement)
    frame = table.to_pandas()
    if frame.empty:
        return pd.DataFrame({column: [] for column in COMMENT_COLUMNS})
    frame["created_at"] = utc_timestamps(table.column("created_at"))
    frame["author_id"] = pd.array(frame["author_id"], dtype="Int64")
    frame["is_pull_request"] = frame["is_pull_request"].astype("boolean").fillna(False)
    actor = lookups.actors(frame["author_id"])
    frame["author_email"] = frame["author_id"].map(
        best_emails(load_identities(context.engine), context.rules)
    )
    affiliation = _affiliated(frame, lookups, "created_at", actor)
    frame["organization"] = affiliation["organization"]
    frame["is_employee"] = affiliation["is_employee"]
    frame["is_bot"] = _excluded(actor, lookups)
    frame = rows_in(frame, scope, context.groups, when="created_at", since=since, until=until)
    frame = frame.sort_values(["created_at", "id"], kind="stable").reset_index(drop=True)
    return frame[list(COMMENT_COLUMNS)]


def _in_scope(frame: pd.DataFrame, context: Context, scope: str) -> pd.DataFrame:
    if scope == "all" or frame.empty:
        return frame
    names = frame["repo"].dropna().unique().tolist()
    keep = repositories_in_scope(scope, names, context.groups)
    return frame[frame["repo"].isin(keep)].reset_index(drop=True)


def _repositories(context, frames, scope, since, until) -> pd.DataFrame:
    from ospo_metrics.read.tables import load_repositories

    return _in_scope(load_repositories(context.engine), context, scope)


def _people(context, frames, scope, since, until) -> pd.DataFrame:
    from ospo_metrics.people.views import people_table

    contributions = rows_in(
        frames.contributions, scope, context.groups, when="occurred_at", since=since, until=until
    )
    table = people_table(context.engine, context.rules, contributions)
    if scope != "all" or since or until:  # the people who contributed there and then
        table = table[table["person_id"].isin(contributions["person_id"])]
    return table.reset_index(drop=True)


def _commits(context, frames, scope, since, until) -> pd.DataFrame:
    return load_commits_table(
        context.engine, context.rules, scope, context.groups, since=since, until=until
    )


def _issues(context, frames, scope, since, until) -> pd.DataFrame:
    return load_issues_table(
        context.engine, context.rules, scope, context.groups, since=since, until=until
    )


def _reviews(context, frames, scope, since, until) -> pd.DataFrame:
    return load_comments_table(context, scope, kinds=("review",), since=since, until=until)


def _comments(context, frames, scope, since, until) -> pd.DataFrame:
    return load_comments_table(context, scope, since=since, until=until)


def _releases(context, frames, scope, since, until) -> pd.DataFrame:
    from ospo_metrics.read.health import load_releases

    table = load_releases(context.engine)
    return rows_in(
        table, scope, context.groups, when="published_at", since=since, until=until
    ).reset_index(drop=True)


def _forks(context, frames, scope, since, until) -> pd.DataFrame:
    from kpis.public_sector import external_fork_rows

    table = frames.forks.assign(outside=False)
    table.loc[external_fork_rows(table).index, "outside"] = True
    table = rows_in(table, scope, context.groups, when="created_at", since=since, until=until)
    return table.sort_values(["created_at", "repo"], kind="stable").reset_index(drop=True)


def _compliance(context, frames, scope, since, until) -> pd.DataFrame:
    from ospo_metrics.compliance.views import compliance_view

    return compliance_view(frames, "matrix")


def _package_releases(context, frames, scope, since, until) -> pd.DataFrame:
    from ospo_metrics.compliance.read import load_package_releases_table

    table = load_package_releases_table(context.engine)
    if len(table) and (since or until):
        days = pd.to_datetime(table["published_at"], utc=True, format="ISO8601").dt.date
        keep = days.notna()
        if since:
            keep &= days >= since
        if until:
            keep &= days <= until
        table = table[keep.astype(bool)].reset_index(drop=True)
    return table


def _upstream(context, frames, scope, since, until) -> pd.DataFrame:
    """Our employees' upstream pull requests and reviews (the rules of kpis.upstream)."""
    from kpis.upstream import employee_upstream_prs

    issues = load_issues_table(context.engine, context.rules, since=since, until=until)
    prs = employee_upstream_prs(issues) if len(issues) else issues
    prs = prs.assign(kind="pull_request", review_state=None)
    reviews = load_comments_table(context, kinds=("review",), since=since, until=until)
    keep = (reviews["relationship"] == "upstream") & reviews["is_employee"] & ~reviews["is_bot"]
    reviews = reviews[keep.astype(bool)].assign(kind="review", title=None, state=None)
    reviews = reviews.assign(merged_at=pd.NaT)
    parts = [part[list(UPSTREAM_COLUMNS)] for part in (prs, reviews) if len(part)]
    if not parts:
        return pd.DataFrame({column: [] for column in UPSTREAM_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["created_at", "kind"], kind="stable").reset_index(drop=True)


EXPORTS: dict[str, Export] = {
    export.name: export
    for export in (
        Export("repositories", "Repositories", None, _repositories),
        Export(
            "people",
            "People with affiliation",
            "occurred_at",
            _people,
            "With dates or a scope: the people who contributed there and then (their "
            "contributions counted in it); organization and its source as of today.",
        ),
        Export("commits", "Commits", "authored_at", _commits),
        Export("issues", "Issues and pull requests", "created_at", _issues),
        Export("reviews", "Reviews", "created_at", _reviews),
        Export("comments", "Comments", "created_at", _comments),
        Export("releases", "Releases", "published_at", _releases),
        Export(
            "forks",
            "Forks",
            "created_at",
            _forks,
            "Every fork of our repositories GitHub listed: its owner, the owner's organization "
            "on the fork date, whether it was deleted since, and `outside` (what external_forks "
            "counts).",
        ),
        Export(
            "compliance",
            "Compliance checks",
            None,
            _compliance,
            "Each repository's required checks as of the last observation.",
        ),
        Export(
            "package-releases",
            "Package release dates",
            "published_at",
            _package_releases,
            "Every version of the packages our SBOMs list, with its release date, as the "
            "registry (deps.dev) gave it; packages are in no scope, so the scope does not apply.",
        ),
        Export(
            "upstream",
            "Upstream contributions",
            "created_at",
            _upstream,
            "Our employees' pull requests and reviews in upstream projects (bots left out); "
            "upstream projects are in no scope of ours, so the scope does not apply.",
        ),
    )
}


def export_table(
    context: Context,
    frames: Frames,
    name: str,
    scope: str = "all",
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """The table called `name` (see :data:`EXPORTS`) for a scope and date range."""
    if name not in EXPORTS:
        raise KeyError(f"unknown table {name!r}; choose one of {', '.join(EXPORTS)}")
    return EXPORTS[name].load(context, frames, scope, since, until)
