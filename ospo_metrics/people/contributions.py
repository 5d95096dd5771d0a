"""The contributions frame read from the database (the KPI input of `kpis.contributors`).

:func:`load_contributions` starts from the commits and issues tables the read layer already
loaded (authored commits, issues and pull requests opened) and adds what only the database
knows: each `Co-authored-by` of a commit, and every review and comment. A separate function, so
a columnar read layer can call it with its own tables; the definition of a contribution lives
in :mod:`kpis.contributions`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from kpis.contributions import base_contributions, combine, contribution_rows
from kpis.schema import KIND_CO_AUTHORED, KIND_COMMENT, KIND_REVIEW
from ospo_metrics.models import Comment, Commit, Issue, Repository
from ospo_metrics.people.affiliation import AffiliationRules, affiliate, best_emails
from ospo_metrics.people.bots import HUMAN
from ospo_metrics.people.directory import (
    load_employments,
    load_identities,
    person_actors,
    person_of_keys,
    read_frame,
)
from ospo_metrics.people.identity import identity_key


def _utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True, format="ISO8601")


class _People:
    """The small people tables, loaded once for one frame."""

    def __init__(self, engine: Engine, rules: AffiliationRules) -> None:
        self.rules = rules
        self.identities = load_identities(engine)
        self.person_of = person_of_keys(self.identities)
        self.actors = person_actors(engine, rules.bots)
        self.employments = load_employments(engine)
        self.emails = best_emails(self.identities, rules)

    def person_of_email(self, email: str) -> int | None:
        """The person an e-mail address (or the GitHub account of a noreply one) belongs to."""
        key = identity_key(email=email)
        return self.person_of.get(f"{key[0]}:{key[1]}") if key else None

    def attribute(self, frame: pd.DataFrame, when: str) -> pd.DataFrame:
        """`frame` (person_id, `when`, email) with actor, is_bot and its affiliation."""
        actor = frame["person_id"].map(self.actors).fillna(HUMAN).astype(object)
        affiliation = affiliate(
            frame,
            self.employments,
            self.rules,
            person="person_id",
            email="email",
            when=when,
            actor=actor,
        )
        return frame.assign(
            actor=actor, is_bot=actor.map(self.rules.bots.is_excluded).astype(bool), **affiliation
        )


def co_author_contributions(engine: Engine, people: _People) -> pd.DataFrame:
    """One row per co-author credited on a (non-merge) commit; the author is not their own
    co-author, and a co-author named twice on a commit counts once."""
    rows = read_frame(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Commit.sha,
            Commit.authored_at,
            Commit.author_id,
            Commit.co_authors,
        )
        .join(Repository, Commit.repository_id == Repository.id)
        .where(Commit.co_authors != "", Commit.is_merge.is_(False)),
    )
    if rows.empty:
        return rows
    rows["email"] = rows["co_authors"].str.split()
    rows = rows.explode("email").dropna(subset=["email"])
    keys = rows["email"].map(lambda email: identity_key(email=email))
    rows["person_id"] = keys.map(
        lambda key: people.person_of.get(f"{key[0]}:{key[1]}") if key else None
    )
    rows = rows.dropna(subset=["person_id"]).astype({"person_id": "int64"})
    rows = rows[rows["person_id"] != rows["author_id"]].drop_duplicates(
        ["repo", "sha", "person_id"]
    )
    rows["authored_at"] = _utc(rows["authored_at"])
    return people.attribute(rows.reset_index(drop=True), "authored_at")


def activity_contributions(engine: Engine, people: _People) -> pd.DataFrame:
    """One row per review, and per comment or review comment, with a known author."""
    rows = read_frame(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            Comment.kind.label("activity"),
            Comment.author_id.label("person_id"),
            Comment.created_at,
        )
        .join(Issue, Comment.issue_id == Issue.id)
        .join(Repository, Issue.repository_id == Repository.id)
        .where(Comment.author_id.is_not(None)),
    )
    if rows.empty:
        return rows
    rows["created_at"] = _utc(rows["created_at"])
    rows["email"] = rows["person_id"].map(people.emails)
    rows["kind"] = rows["activity"].map(
        lambda kind: KIND_REVIEW if kind == "review" else KIND_COMMENT
    )
    return people.attribute(rows, "created_at")


def load_contributions(
    engine: Engine, rules: AffiliationRules, commits: pd.DataFrame, issues: pd.DataFrame
) -> pd.DataFrame:
    """Every contribution (see kpis.contributions), from the loaded `commits` and `issues`
    tables of the read layer plus co-authors, reviews and comments from the database."""
    people = _People(engine, rules)
    parts = [base_contributions(commits, issues)]
    co_authored = co_author_contributions(engine, people)
    if len(co_authored):
        parts.append(
            contribution_rows(co_authored, KIND_CO_AUTHORED, person="person_id", when="authored_at")
        )
    activities = activity_contributions(engine, people)
    if len(activities):
        parts.append(
            contribution_rows(activities, activities["kind"], person="person_id", when="created_at")
        )
    return combine(parts)
