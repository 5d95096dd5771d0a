"""The KPI input frames, read column by column with only what the KPIs use.

Each frame has one loader in :data:`FRAME_LOADERS` (name -> function); a new frame (say,
contributions of every kind) is one more loader and one more entry, and it is cached and
scoped like the others. A loader reads its table's own columns without joins and without
ORDER BY (neither is free at a million rows: the KPIs group, they never need an order); the
repository names, people and employments it needs come from :class:`Lookups`, read once per
load. Scopes narrower than `all` are filtered in SQL, by repository id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, select

from kpis.schema import Frames, commits_frame, issues_frame
from ospo_metrics.models import Commit, Issue, Person, Repository
from ospo_metrics.people.affiliation import AffiliationRules, affiliate, best_emails
from ospo_metrics.people.bots import HUMAN
from ospo_metrics.people.contributions import load_contributions
from ospo_metrics.people.directory import load_employments, load_identities, person_actors
from ospo_metrics.read.columnar import Reader, flags, reader, utc_timestamps
from ospo_metrics.scope import repositories_in_scope


@dataclass(frozen=True)
class Lookups:
    """The small tables every frame joins in pandas: repositories, people, employments."""

    repositories: pd.DataFrame  # id, repo, relationship
    people: pd.DataFrame  # id, name, login, actor (human, bot, ai_agent)
    employments: pd.DataFrame  # person_id, organization, valid_from, valid_to (in order)
    rules: AffiliationRules
    # person_id -> the address standing in for an issue author's (read when first needed:
    # only issues use it; lookups kept per data version carry it, read/details.py).
    emails: pd.Series | None = None

    def actors(self, person_ids: pd.Series) -> pd.Series:
        """Each row's person as "human", "bot" or "ai_agent" (unknown people: human)."""
        where = self.person_positions(person_ids.fillna(-1))
        kinds = self.people["actor"].to_numpy(dtype=object)
        return pd.Series(
            np.where(where >= 0, kinds[where], HUMAN), index=person_ids.index, dtype=object
        )

    def repository_positions(self, ids: pd.Series) -> np.ndarray:
        return pd.Index(self.repositories["id"]).get_indexer(ids)

    def person_positions(self, ids: pd.Series) -> np.ndarray:
        return pd.Index(self.people["id"]).get_indexer(ids)


def read_lookups(read: Reader, rules: AffiliationRules) -> Lookups:
    repositories = read.frame(
        select(Repository.id, Repository.full_name.label("repo"), Repository.relationship)
    )
    people = read.frame(select(Person.id, Person.name, Person.login))
    # The one bot rule, over every name and address each person was seen with.
    actors = person_actors(read.engine, rules.bots)
    people["actor"] = people["id"].map(actors).fillna(HUMAN).astype(object)
    return Lookups(
        repositories=repositories,
        people=people,
        employments=load_employments(read.engine),
        rules=rules,
    )


def _in_repositories(column: Any, repository_ids: Sequence[int] | None) -> list:
    return [] if repository_ids is None else [column.in_([int(i) for i in repository_ids])]


def _affiliated(frame: pd.DataFrame, lookups: Lookups, when: str, actor: pd.Series) -> pd.DataFrame:
    """organization, is_employee and affiliation_source of each row's author on its date;
    bots and AI agents (`actor`) belong to no organization."""
    return affiliate(
        frame,
        lookups.employments,
        lookups.rules,
        person="author_id",
        email="author_email",
        when=when,
        actor=actor,
    )


def _take_text(values: pd.Series, positions: np.ndarray) -> pd.Series:
    """values[positions] as a text column, built in Arrow (no Python object per row)."""
    taken = pa.array(values.astype(object).tolist(), pa.string()).take(pa.array(positions))
    return pd.Series(taken.to_pandas())


def _repository_columns(frame: pd.DataFrame, lookups: Lookups) -> None:
    where = lookups.repository_positions(frame.pop("repository_id"))
    repositories = lookups.repositories
    frame["repo"] = _take_text(repositories["repo"], where)
    frame["relationship"] = _take_text(repositories["relationship"], where)


def commits(
    read: Reader,
    lookups: Lookups,
    repository_ids: Sequence[int] | None,
    where: Sequence[Any] = (),
) -> pd.DataFrame:
    """The commits frame (kpis.schema.COMMITS_SCHEMA), plus each commit's `id`, of the given
    repositories (None: all) and `where` conditions."""
    table = read.arrow(
        select(
            Commit.id,
            Commit.repository_id,
            Commit.author_id,
            Commit.author_email,
            Commit.authored_at,
            Commit.is_merge,
            Commit.signed_off,
        ).where(*_in_repositories(Commit.repository_id, repository_ids), *where)
    )
    frame = pd.DataFrame(
        {
            "id": table.column("id").to_pandas(),
            "repository_id": table.column("repository_id").to_pandas(),
            "author_id": table.column("author_id").to_pandas(),
            "author_email": table.column("author_email").to_pandas(),
            "authored_at": utc_timestamps(table.column("authored_at")),
            "is_merge": flags(table.column("is_merge")),
            "signed_off": flags(table.column("signed_off")),
        }
    )
    del table
    if frame.empty:
        return commits_frame([]).assign(id=pd.Series([], dtype="int64"))
    _repository_columns(frame, lookups)
    actor = lookups.actors(frame["author_id"])
    frame["is_bot"] = _excluded(actor, lookups)
    affiliation = _affiliated(frame, lookups, "authored_at", actor)
    frame[list(affiliation.columns)] = affiliation
    frame["actor"] = actor
    return commits_frame(frame, keep=COMMIT_EXTRAS)


def _excluded(actor: pd.Series, lookups: Lookups) -> np.ndarray:
    """Whether each row's author is left out of people KPIs (a bot; an AI agent, by default)."""
    excluded = {kind: lookups.rules.bots.is_excluded(kind) for kind in actor.unique()}
    return actor.map(excluded).to_numpy(dtype=bool)


def issues(
    read: Reader,
    lookups: Lookups,
    repository_ids: Sequence[int] | None,
    where: Sequence[Any] = (),
) -> pd.DataFrame:
    """The issues frame (kpis.schema.ISSUES_SCHEMA), plus each item's `id`, of the given
    repositories (None: all) and `where` conditions."""
    table = read.arrow(
        select(
            Issue.id,
            Issue.repository_id,
            Issue.number,
            Issue.is_pull_request,
            Issue.author_id,
            Issue.author_login,
            Issue.state,
            Issue.is_draft,
            Issue.created_at,
            Issue.closed_at,
            Issue.merged_at,
            Issue.first_response_at,
        ).where(*_in_repositories(Issue.repository_id, repository_ids), *where)
    )
    frame = pd.DataFrame(
        {
            "id": table.column("id").to_pandas(),
            "repository_id": table.column("repository_id").to_pandas(),
            "number": table.column("number").to_pandas(),
            "is_pull_request": flags(table.column("is_pull_request")),
            "author_id": pd.array(table.column("author_id").to_pandas(), dtype="Int64"),
            "author_login": table.column("author_login").to_pandas(),
            "state": table.column("state").to_pandas(),
            "is_draft": flags(table.column("is_draft")),
            **{
                column: utc_timestamps(table.column(column))
                for column in ("created_at", "closed_at", "merged_at", "first_response_at")
            },
        }
    )
    del table
    if frame.empty:
        return issues_frame([]).assign(id=pd.Series([], dtype="int64"))
    _repository_columns(frame, lookups)
    where = lookups.person_positions(frame["author_id"].fillna(-1))
    logins = np.where(where >= 0, lookups.people["login"].to_numpy(dtype=object)[where], None)
    # The login the item was opened with (rows from before it was stored: the person's).
    frame["author_login"] = frame["author_login"].fillna(pd.Series(logins)).fillna("ghost")
    actor = lookups.actors(frame["author_id"])
    frame["author_is_bot"] = _excluded(actor, lookups)
    # Platform accounts have no email on an issue: the person's known emails stand in for it.
    emails = lookups.emails
    if emails is None:
        emails = best_emails(load_identities(read.engine), lookups.rules)
    frame["author_email"] = frame["author_id"].map(emails)
    affiliation = _affiliated(frame, lookups, "created_at", actor)
    frame["organization"] = affiliation["organization"]
    frame["author_is_employee"] = affiliation["is_employee"]
    frame["affiliation_source"] = affiliation["affiliation_source"]
    frame["author_actor"] = actor
    return issues_frame(frame, keep=ISSUE_EXTRAS)


def contributions(
    read: Reader,
    lookups: Lookups,
    repository_ids: Sequence[int] | None,
    loaded: Mapping[str, pd.DataFrame],
) -> pd.DataFrame:
    """Contributions of every kind (kpis.contributions): the commits and issues loaded above,
    plus co-authors, reviews and comments (people/contributions.py reads those)."""
    frame = load_contributions(read.engine, lookups.rules, loaded["commits"], loaded["issues"])
    if repository_ids is not None and len(frame):
        names = lookups.repositories.loc[lookups.repositories["id"].isin(repository_ids), "repo"]
        frame = frame[frame["repo"].isin(names.tolist())].reset_index(drop=True)
    return frame


# Columns the read side keeps beside each schema: row ids (to fetch a shown row's details) and
# who the author is and why they count for their organization (contributions, coverage).
COMMIT_EXTRAS = ("id", "actor", "affiliation_source")
ISSUE_EXTRAS = ("id", "organization", "author_actor", "affiliation_source")

Loader = Callable[[Reader, Lookups, Sequence[int] | None, Mapping[str, pd.DataFrame]], pd.DataFrame]
# Frame name (a field of kpis.Frames) -> its loader, in order: a loader sees the frames loaded
# before it (contributions start from the commits and issues).
FRAME_LOADERS: dict[str, Loader] = {
    "commits": lambda read, lookups, ids, _: commits(read, lookups, ids),
    "issues": lambda read, lookups, ids, _: issues(read, lookups, ids),
    "contributions": contributions,
}


def repository_ids(
    engine: Engine, scope: str, groups: Mapping[str, Sequence[str]]
) -> list[int] | None:
    """The ids of the repositories a scope covers; None for `all` (no filter at all)."""
    if scope == "all":
        return None
    with reader(engine) as read:
        repositories = read.frame(select(Repository.id, Repository.full_name))
    keep = repositories_in_scope(scope, repositories["full_name"].tolist(), groups)
    return repositories.loc[repositories["full_name"].isin(keep), "id"].astype(int).tolist()


def load_frames(
    engine: Engine,
    rules: AffiliationRules,
    scope: str = "all",
    groups: Mapping[str, Sequence[str]] | None = None,
) -> Frames:
    """The KPI input frames of the repositories a scope covers (all of them by default)."""
    ids = repository_ids(engine, scope, groups or {})
    with reader(engine) as read:
        lookups = read_lookups(read, rules)
        loaded: dict[str, pd.DataFrame] = {}
        for name, load in FRAME_LOADERS.items():
            loaded[name] = load(read, lookups, ids, loaded)
    return Frames(**loaded)
