"""Commits of the fake GitHub, read with git from a repository's `git_dir`.

`repository { object(oid: "...") { ... on Commit { author { email name date user { login } } } } }`
answers from the commit on disk: the author's e-mail and name as git stored them, and the
account GitHub attributes that e-mail to (a user whose `commit_emails` list it, like a
verified address of the account; a public profile e-mail alone does not count). A repository
without a `git_dir`, or an oid git does not have (force-pushed away), answers null, as GitHub
does.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import GitHubModel, Repository, User

OID_RE = re.compile(r"^[0-9a-f]{40}$")
# author e-mail, name, date (strict ISO 8601), committer e-mail, subject; NUL-separated
_FORMAT = "%ae%x00%an%x00%aI%x00%ce%x00%s"


def read_commit(repo: Repository, oid: str) -> dict[str, str] | None:
    """The commit `oid` of the repository's git_dir, or None when there is none."""
    if repo.git_dir is None or not OID_RE.match(oid.lower()):
        return None
    done = subprocess.run(
        ["git", "--git-dir", str(repo.git_dir), "log", "-1", f"--format={_FORMAT}", oid, "--"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout:
        return None
    # `git log -1 <tree or blob>` fails; an annotated tag would show its commit: not asked here.
    email, name, date, committer, subject = (
        done.stdout.decode("utf-8", "replace").rstrip("\n").split("\0")
    )
    return {
        "oid": oid.lower(),
        "email": email,
        "name": name,
        "date": date,
        "committer_email": committer,
        "subject": subject,
    }


def user_for_email(model: GitHubModel, email: str) -> User | None:
    """The account an e-mail address belongs to (one of its `commit_emails`), else None."""
    wanted = email.strip().lower()
    for user in model.users.values():
        if not user.is_bot and wanted in {e.lower() for e in user.commit_emails}:
            return user
    return None


def commit_object(
    model: GitHubModel, repo: Repository, oid: str, wrap_user: Callable[[User | None], Any]
) -> dict[str, Any] | None:
    """The `Commit` object GraphQL serves for `oid`, or None; `wrap_user` makes the User view."""
    commit = read_commit(repo, oid)
    if commit is None:
        return None
    user = user_for_email(model, commit["email"])
    author = {
        "email": commit["email"],
        "name": commit["name"],
        "date": commit["date"],
        "user": wrap_user(user),
        "avatarUrl": f"https://avatars.githubusercontent.com/u/{user.id if user else 0}?v=4",
    }
    return {
        "__typename": "Commit",
        "oid": commit["oid"],
        "abbreviatedOid": commit["oid"][:7],
        "message": commit["subject"],
        "messageHeadline": commit["subject"],
        "author": author,
    }
