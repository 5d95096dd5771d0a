"""Commit author e-mails still to link to a GitHub login, and GitHub's answers about them.

GitHub reports the account behind a commit's author e-mail (see
:mod:`collectors.github.commit_authors`). The answer is stored as a link of source
:data:`SOURCE` in `identity_links`: `email:ADDRESS` -> `github:LOGIN`, or `other_key` None when
no account has the address, so that an address is asked about once. The regrouping of people
(:mod:`ospo_metrics.people.resolve`) turns links into people, skipping those a split or a
rejected suggestion keeps apart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ospo_metrics.models import Commit, Identity, IdentityLink, Person
from ospo_metrics.people.identity import NOREPLY_RE, normalize_email
from ospo_metrics.store.upserts import insert_missing, utcnow

SOURCE = "github_commit"
_KEY_SIZE = IdentityLink.__table__.c.key.type.length


@dataclass(frozen=True)
class PendingEmail:
    """An author e-mail to ask GitHub about, and the commit to ask with."""

    repository_id: int
    email: str  # normalized (lower case)
    sha: str


def _asked(session: Session) -> set[str]:
    """E-mails GitHub already answered for (a login, or no account)."""
    return {
        key.removeprefix("email:")
        for key in session.scalars(select(IdentityLink.key).where(IdentityLink.source == SOURCE))
    }


def _already_linked(session: Session) -> set[str]:
    """E-mails whose person has a GitHub login already (a noreply address, the configuration,
    a curation decision, another source), or is a bot: nothing to learn from GitHub."""
    login = aliased(Identity)
    with_login = select(login.person_id).where(login.kind == "github")
    bots = select(Person.id).where(Person.is_bot.is_(True))
    return set(
        session.scalars(
            select(Identity.value).where(
                Identity.kind == "email",
                Identity.person_id.in_(with_login) | Identity.person_id.in_(bots),
            )
        )
    )


def pending_commit_emails(
    session: Session, repository_ids: Sequence[int], skip_shas: Collection[str] = ()
) -> list[PendingEmail]:
    """Each commit author e-mail of these repositories not linked to a GitHub login yet and not
    asked about before, with one of its commits (the first repository listed that has the
    address wins; shas in `skip_shas`, commits GitHub did not have, are not chosen)."""
    if not repository_ids:
        return []
    skip = set(skip_shas)
    done = _asked(session) | _already_linked(session)
    order = {repo_id: n for n, repo_id in enumerate(repository_ids)}
    chosen: dict[str, PendingEmail] = {}
    retry: list[tuple[int, str, str]] = []  # (repository, stored address, normalized)
    for start in range(0, len(repository_ids), 500):
        rows = session.execute(
            select(Commit.repository_id, Commit.author_email, func.max(Commit.sha))
            .where(Commit.repository_id.in_(repository_ids[start : start + 500]))
            .group_by(Commit.repository_id, Commit.author_email)
        ).all()
        for repo_id, stored, sha in sorted(rows, key=lambda row: (order[row[0]], row[1])):
            email = normalize_email(stored or "")
            if not _askable(email) or email in done or email in chosen:
                continue
            if sha in skip:
                retry.append((repo_id, stored, email))
                continue
            chosen[email] = PendingEmail(repo_id, email, sha)
    for repo_id, stored, email in retry:
        if email not in chosen:
            sha = _other_sha(session, repo_id, stored, skip)
            if sha is not None:
                chosen[email] = PendingEmail(repo_id, email, sha)
    return list(chosen.values())


def _askable(email: str) -> bool:
    """A real address (a noreply address is its login already; git allows anything)."""
    local, at, domain = email.partition("@")
    return bool(local and at and domain) and not NOREPLY_RE.match(email) and len(email) < 320


def _other_sha(session: Session, repo_id: int, email: str, skip: set[str]) -> str | None:
    """A commit of this address GitHub was not found lacking, if it has one."""
    for sha in session.scalars(
        select(Commit.sha)
        .where(Commit.repository_id == repo_id, Commit.author_email == email)
        .order_by(Commit.sha.desc())
    ):
        if sha not in skip:
            return sha
    return None


def record_commit_authors(session: Session, answers: Iterable[tuple[str, str | None]]) -> int:
    """Store GitHub's answers, (e-mail, login or None for no account); returns links with a
    login written. An address keeps its first answer: asking again changes nothing."""
    now = utcnow()
    rows = []
    for email, login in answers:
        key = f"email:{normalize_email(email)}"
        if len(key) > _KEY_SIZE:
            continue
        other = f"github:{login.strip().lower()}" if login else None
        rows.append({"key": key, "other_key": other, "source": SOURCE, "seen_at": now})
    if not rows:
        return 0
    before = _asked(session)
    insert_missing(session, IdentityLink, rows, ["key", "source"])
    return sum(1 for row in rows if row["other_key"] and row["key"][6:] not in before)
