"""Link commit author e-mails to GitHub logins: the login GitHub reports as a commit's author.

Run by the GitHub collection (and by `collect` again after the mirrors were mined, so a first
collection links what it just mined), as the run `commit-authors` of collector "github":

1. every owned GitHub repository in scope whose commits are stored (a mirror, mined by the git
   collector, keyed to the repository's row) gives its commit author e-mails that are not
   linked to a login yet (:func:`ospo_metrics.store.commit_authors.pending_commit_emails`);
2. one commit per address is asked about, 100 per GraphQL query (one point each);
3. the answers become `identity_links` (source `github_commit`), "no account" included so the
   address is not asked again; commits GitHub no longer has are remembered in the run's cursor
   and another commit of the address is tried next time;
4. people are regrouped at once, where curation (splits, rejected suggestions) allows.

An unchanged re-run sends no query and records no run.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from collectors.base import RunResult
from collectors.github.commit_authors import CommitAuthors, CommitRef, valid_oid
from collectors.github.http import GitHubHttp
from ospo_metrics.models import Commit, Repository
from ospo_metrics.store.commit_authors import (
    PendingEmail,
    pending_commit_emails,
    record_commit_authors,
)

TARGET = "commit-authors"
MAX_REMEMBERED = 10_000  # shas GitHub did not have, kept in the cursor (oldest dropped)


@dataclass
class Scope:
    """Which owned repositories: those of these organizations and these full names (lower
    case); `everything` for all of them."""

    organizations: Collection[str] = ()
    repositories: Collection[str] = ()
    everything: bool = False

    def covers(self, full_name: str) -> bool:
        name = full_name.lower()
        owner = name.split("/", 1)[0]
        return self.everything or owner in self.organizations or name in self.repositories


@dataclass
class Linked:
    """What a pass asked and learnt."""

    asked: int = 0
    logins: int = 0  # new links to a login
    no_account: int = 0
    unknown: int = 0  # commits GitHub did not have
    unanswered: int = 0
    missing: list[str] = field(default_factory=list)  # the cursor's shas, updated


def repositories_with_commits(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """(id, full name) of the owned, available GitHub repositories in scope with commits."""
    rows = session.execute(
        select(Repository.id, Repository.full_name)
        .where(
            Repository.platform == "github",
            Repository.relationship == "owned",
            Repository.unavailable_reason.is_(None),
            exists().where(Commit.repository_id == Repository.id),
        )
        .order_by(func.lower(Repository.full_name))
    ).all()
    return [(repo_id, name) for repo_id, name in rows if scope.covers(name)]


def pending(
    session: Session, scope: Scope, cursor: dict | None
) -> tuple[list[PendingEmail], dict[int, str]]:
    """The addresses to ask about and the names of their repositories."""
    repositories = dict(repositories_with_commits(session, scope))
    missing = (cursor or {}).get("missing") or []
    emails = pending_commit_emails(session, list(repositories), missing)
    return [p for p in emails if valid_oid(p.sha)], repositories


def link_commit_authors(
    session: Session,
    http: GitHubHttp,
    emails: list[PendingEmail],
    names: dict[int, str],
    result: RunResult,
    cursor: dict | None,
) -> Linked:
    """Ask GitHub about `emails` and store each batch's answers as it comes (committed, so a
    stopped run keeps them)."""
    linked = Linked(missing=list((cursor or {}).get("missing") or []))
    refs = [CommitRef(names[p.repository_id], p.sha, p.email) for p in emails]
    for answers in CommitAuthors(http).lookup(refs):
        stored = []
        for answer in answers:
            linked.asked += 1
            if answer.found is None:
                linked.unanswered += 1
            elif not answer.found:
                linked.unknown += 1
                linked.missing.append(answer.ref.sha)
            else:
                stored.append((answer.ref.email, answer.login))
                linked.no_account += answer.login is None
        linked.logins += record_commit_authors(session, stored)
        session.commit()
        result.items_seen += len(answers)
        result.items_written += len(stored)
    linked.missing = linked.missing[-MAX_REMEMBERED:]
    result.details.update(
        {
            k: v
            for k, v in {
                "logins_linked": linked.logins,
                "no_github_account": linked.no_account,
                "commits_not_on_github": linked.unknown,
                "unanswered": linked.unanswered,
            }.items()
            if v
        }
    )
    return linked
