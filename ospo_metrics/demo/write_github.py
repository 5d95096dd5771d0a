"""Writes the demo's GitHub-shaped data through the GitHub collector's row builders and the store.

Run after the demo's git history is collected: the git authors become the GitHub accounts
(one login linked to each person), so a pull request and its commits are the same person's.
Every write is an upsert on a natural key, so running it again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.github.items import Actor, IssueItem
from ospo_metrics.collect_github import activity_row, issue_row, repository_values
from ospo_metrics.demo import github
from ospo_metrics.demo.repositories import DEMO_COMPANY, DEMO_ORG_LOGIN, DEMO_ORG_NAME
from ospo_metrics.identity import BotRules
from ospo_metrics.models import Identity
from ospo_metrics.read import load_commits_table
from ospo_metrics.store import (
    PeopleResolver,
    ensure_repository,
    record_link,
    record_memberships,
    upsert_organization,
    upsert_releases,
    write_issues,
)

if TYPE_CHECKING:
    from ospo_metrics.context import Context

PLATFORM = "github"
REPORTER_NAMES = (
    "lena", "tomas", "aiko", "bruno", "chen", "dara", "elif", "femi", "goran", "hana", "ivan",
    "jules", "kofi", "lucia", "mateo", "nadia", "oskar", "pita", "quinn", "rosa", "sven", "tara",
)  # fmt: skip


class DemoWriter:
    """People, repositories and items of the demo, written like the collector writes them."""

    def __init__(self, session: Session, bots: BotRules) -> None:
        self.session = session
        self.bots = bots
        self.resolver = PeopleResolver(session, bots)
        self.taken: set[str] = set(
            session.scalars(select(Identity.value).where(Identity.kind == "github"))
        )

    def person(self, actor: Actor | None) -> int | None:
        return self.resolver.resolve(None, login=actor.login) if actor else None

    def is_bot(self, actor: Actor) -> bool:
        return actor.is_bot or self.bots.is_bot(login=actor.login)

    def logins(self, authors: pd.DataFrame) -> dict[int, str]:
        """person id -> GitHub login of every git author: their own where known, else a new one
        linked to the person (as a curator linking a login to an e-mail would)."""
        ids = sorted(int(i) for i in authors["author_id"].unique())
        known = dict(
            self.session.execute(
                select(Identity.person_id, Identity.value).where(
                    Identity.kind == "github", Identity.person_id.in_(ids)
                )
            ).all()
        )
        names = authors.drop_duplicates("author_id").set_index("author_id")["author_name"]
        emails = dict(
            self.session.execute(
                select(Identity.person_id, Identity.value).where(
                    Identity.kind == "email", Identity.person_id.in_(ids)
                )
            ).all()
        )
        out = {}
        for person_id in ids:
            login = known.get(person_id)
            if login is None:
                login = github.login_for(str(names[person_id]), self.taken)
                self.resolver.link(person_id, [("github", login)], str(names[person_id]))
                email = emails.get(person_id)
                if email:  # kept together when people are regrouped after a curation
                    record_link(self.session, ("github", login), ("email", email), "demo")
            out[person_id] = login
        return out

    def repository(self, info: Any, org_id: int | None, relationship: str = "owned") -> int:
        values = repository_values(info)
        values.update(organization_id=org_id, relationship=relationship, unavailable_reason=None)
        return ensure_repository(self.session, PLATFORM, info.full_name, **values)

    def items(self, repo_id: int, items: list[IssueItem]) -> int:
        rows = [issue_row(item, self.person, self.is_bot) for item in items]
        activities = {
            item.number: [activity_row(a, self.person) for a in item.activities]
            for item in items
            if item.complete
        }
        return write_issues(self.session, repo_id, rows, activities, PLATFORM)


def _maintainers(rows: pd.DataFrame, logins: dict[int, str], count: int = 4) -> list[str]:
    """The most active committers of a repository's last year of history."""
    recent = rows[rows["authored_at"] >= rows["authored_at"].max() - pd.Timedelta(days=365)]
    top = recent.groupby("author_id").size().sort_values(ascending=False).head(count)
    return [logins[int(person)] for person in top.index]


def _reporters(count: int = 120) -> list[str]:
    """Outside users who only open issues; the same logins on every run."""
    return [f"{REPORTER_NAMES[n % len(REPORTER_NAMES)]}-{n:03d}" for n in range(count)]


def write_github(context: Context, today: date, seed: int = 7) -> int:
    """The demo organization as `collect github` would store it; returns the rows written."""
    commits = load_commits_table(context.engine, context.rules)
    now = datetime.combine(today, time(0), UTC)
    by_repo = github.contributors_by_repo(commits)
    written = 0
    with Session(context.engine) as session, session.begin():
        writer = DemoWriter(session, context.bots)
        org_id, _ = upsert_organization(
            session, PLATFORM, DEMO_ORG_LOGIN, {"name": DEMO_ORG_NAME, "relationship": "owned"}
        )
        human = commits[~commits["is_bot"].astype(bool) & ~commits["is_merge"].astype(bool)]
        logins = writer.logins(human) if len(human) else {}
        reporters = _reporters()
        everyone: list[str] = []
        for index, profile in enumerate(github.PROFILES):
            rows = by_repo.get(profile.name)
            if rows is None or rows.empty:
                continue
            maintainers = _maintainers(rows, logins)
            everyone += maintainers
            people = github.RepoPeople(
                authors=[
                    (logins[int(p)], w.to_pydatetime())
                    for p, w in zip(rows["author_id"], rows["authored_at"], strict=True)
                ],
                maintainers=maintainers,
                reporters=reporters,
            )
            subjects = [s for s in rows["subject"].dropna().tolist() if s]
            items = github.generate_items(profile, people, subjects, now, seed, index)
            first = rows["authored_at"].min().to_pydatetime()
            last = rows["authored_at"].max().to_pydatetime()
            open_items = sum(1 for item in items if item.state == "open")
            info = github.repository_info(profile, first, last, open_items)
            repo_id = writer.repository(info, org_id)
            written += 1 + writer.items(repo_id, items)
            releases = [asdict(r) for r in github.generate_releases(profile, first, last, seed)]
            written += upsert_releases(session, repo_id, releases)
        for info in github.github_only_repositories(today):
            repo_id = writer.repository(info, org_id)
            written += 1
            if info.full_name.endswith("/cloud-sdk-rust"):
                written += writer.items(repo_id, github.new_repository_items(today, everyone))
        written += record_memberships(
            session, _members(human, logins, writer.person), DEMO_COMPANY, today
        )
    return written


def _members(
    human: pd.DataFrame, logins: dict[int, str], person: Callable[[Actor | None], int | None]
) -> list[int]:
    """The organization's members: people whose every commit was made as an employee (the two
    people whose employment the configuration dates are left to the configuration)."""
    if human.empty:
        return []
    always = human.groupby("author_id")["is_employee"].all()
    return [person(Actor(logins[int(p)])) or int(p) for p in always[always].index]
