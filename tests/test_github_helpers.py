"""Helpers shared by the GitHub collector tests (this module holds no tests).

- :func:`make_context` builds a configuration pointing at a fake GitHub server;
- :func:`collect` runs the collector with injected sleep/clock and checks the server saw only
  valid GraphQL and hit no bug of its own;
- :func:`dump` reads every table by natural keys (no surrogate ids), so two databases filled
  in a different order compare equal when they hold the same facts;
- ``expected_*`` compute what the database must hold from the fake's own model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from github_fake import FakeGitHub, GitHubModel
from github_fake.model import Issue, PullRequest, User
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from collectors.base import RunResult
from ospo_metrics.collect_github import collect_github_sources
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.models import (
    Affiliation,
    Comment,
    ComplianceCheck,
    Identity,
    Organization,
    Person,
    Release,
    Repository,
)
from ospo_metrics.models import Issue as IssueRow

TOKEN_ENV = "OSPO_TEST_GITHUB_TOKEN"
UPSTREAM_SINCE = "2022-01-01"


def make_context(
    engine: Engine, gh: FakeGitHub, *, base_url: str | None = None, **overrides: Any
) -> Context:
    github = {"base_url": base_url or gh.url, "token_env": TOKEN_ENV}
    github.update(overrides.pop("github", {}))
    mapping: dict[str, Any] = {
        "github": github,
        "organizations": [gh.model.primary_org],
        "upstream": {"since": UPSTREAM_SINCE},
        "affiliation": {"organization": "Acme"},
    }
    mapping.update(overrides)
    config = config_from_mapping(mapping)
    return Context(config=config, engine=engine, database_url=str(engine.url))


class Sleeper:
    """An injected `sleep` that records waits and moves the fake server's clock instead."""

    def __init__(self, gh: FakeGitHub) -> None:
        self.gh = gh
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.gh.advance_clock(seconds)


def collect(
    context: Context, gh: FakeGitHub, *, token: str | None = None, **kwargs: Any
) -> list[RunResult]:
    kwargs.setdefault("sleep", Sleeper(gh))
    kwargs.setdefault("clock", gh.now)
    env = {TOKEN_ENV: token or gh.token}
    results = collect_github_sources(context, env=env, **kwargs)
    assert_clean(gh)
    return results


def assert_clean(gh: FakeGitHub) -> None:
    assert gh.invalid_graphql == []
    assert gh.internal_errors == []


def failed(results: list[RunResult]) -> list[RunResult]:
    return [r for r in results if r.status in ("failed", "partial")]


# --------------------------------------------------------------------------- expectations


def org_repos(model: GitHubModel) -> list:
    return list(model.org.repos)


def is_bot_user(user: User) -> bool:
    return user.is_bot


def expected_first_response(item: Issue) -> datetime | None:
    times = [
        c.created_at
        for c in item.comments
        if c.author is not item.author and not is_bot_user(c.author)
    ]
    if isinstance(item, PullRequest):
        times += [
            r.submitted_at
            for r in item.reviews
            if r.author is not item.author and not is_bot_user(r.author) and r.state != "PENDING"
        ]
    return min(times, default=None)


def expected_upstream(model: GitHubModel, since: datetime | None = None) -> set[tuple[str, int]]:
    since = since or datetime.fromisoformat(UPSTREAM_SINCE).replace(tzinfo=UTC)
    org = model.org
    out = set()
    for member in org.members:
        for item in model.items_by_author.get(member.login.lower(), []):
            if (
                item.is_pull_request
                and item.repo.owner is not org
                and item.created_at >= since
                and model.get_repo(item.repo.full_name) is item.repo
            ):
                out.add((item.repo.full_name, item.number))
    return out


def expected_counts(model: GitHubModel) -> dict[str, int]:
    repos = org_repos(model)
    items = [i for r in repos for i in r.items.values()]
    pulls = [i for i in items if isinstance(i, PullRequest)]
    return {
        "repositories": len(repos),
        "issues": sum(not i.is_pull_request for i in items),
        "pulls": len(pulls),
        "comment": sum(len(i.comments) for i in items),
        "review": sum(1 for p in pulls for r in p.reviews if r.state != "PENDING"),
        "review_comment": sum(len(p.review_comments) for p in pulls),
        "releases": sum(len(r.releases) for r in repos),
    }


# --------------------------------------------------------------------------- database dumps


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, list):
        return tuple(value)
    return value


def _rows(engine: Engine, statement: Any) -> list[tuple]:
    with engine.connect() as connection:
        return sorted(
            (tuple(_norm(v) for v in row) for row in connection.execute(statement)),
            key=repr,
        )


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every collected fact, keyed by natural keys (logins, full names, numbers)."""
    author = aliased(Person)
    org = aliased(Organization)
    # clone_url names the server's port: a reference collected from another server differs.
    repo_columns = [
        c
        for c in Repository.__table__.columns
        if c.name not in ("id", "organization_id", "clone_url")
    ]
    issue_columns = [
        c for c in IssueRow.__table__.columns if c.name not in ("id", "repository_id", "author_id")
    ]
    return {
        "organizations": _rows(
            engine,
            select(
                Organization.platform,
                Organization.login,
                Organization.name,
                Organization.relationship,
                Organization.platform_id,
            ),
        ),
        "repositories": _rows(
            engine,
            select(org.login, *repo_columns).outerjoin(org, Repository.organization_id == org.id),
        ),
        "people": _rows(engine, select(Person.login, Person.name, Person.is_bot)),
        "identities": _rows(
            engine,
            select(Identity.kind, Identity.value, Person.login).join(
                Person, Identity.person_id == Person.id
            ),
        ),
        "affiliations": _rows(
            engine,
            select(
                Person.login,
                Affiliation.organization,
                Affiliation.is_employer,
                Affiliation.valid_from,
                Affiliation.valid_to,
                Affiliation.source,
            ).join(Person, Affiliation.person_id == Person.id),
        ),
        "issues": _rows(
            engine,
            select(Repository.full_name, author.login, *issue_columns)
            .join(Repository, IssueRow.repository_id == Repository.id)
            .outerjoin(author, IssueRow.author_id == author.id),
        ),
        "comments": _rows(
            engine,
            select(
                Comment.platform,
                Comment.kind,
                Comment.source_id,
                Repository.full_name,
                IssueRow.number,
                author.login,
                Comment.created_at,
                Comment.review_state,
            )
            .join(IssueRow, Comment.issue_id == IssueRow.id)
            .join(Repository, IssueRow.repository_id == Repository.id)
            .outerjoin(author, Comment.author_id == author.id),
        ),
        "releases": _rows(
            engine,
            select(
                Repository.full_name,
                Release.tag,
                Release.name,
                Release.published_at,
                Release.is_prerelease,
                Release.is_draft,
            ).join(Repository, Release.repository_id == Repository.id),
        ),
        "compliance_checks": _rows(
            engine,
            select(
                Repository.full_name,
                ComplianceCheck.check,
                ComplianceCheck.passed,
                ComplianceCheck.detail,
            ).join(Repository, ComplianceCheck.repository_id == Repository.id),
        ),
    }


def counts(engine: Engine) -> dict[str, int]:
    return {table: len(rows) for table, rows in dump(engine).items()}


def stats_delta(gh: FakeGitHub, action: Callable[[], Any]) -> tuple[Any, dict[str, int]]:
    before = gh.stats()
    value = action()
    after = gh.stats()
    return value, {key: after[key] - before[key] for key in after}
