"""Build small, real git repositories with the git binary, for precise unit tests.

Every commit gets explicit author/committer dates, and git runs isolated from the user's and
the system's configuration (no signing, no hooks from templates, fixed default branch), so
the same calls always produce the same commit ids::

    repo = GitRepo.init(tmp_path / "repo")
    repo.commit("Add readme", {"README.md": "hi\\n"}, date="2024-01-02T10:00:00+02:00")
    repo.branch("feature")  # creates the branch and switches to it
    repo.commit("Work", {"a.py": "x = 1\\n"})
    repo.checkout("main")
    repo.merge("feature", "Merge feature")
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_AUTHOR = ("Test Author", "author@example.com")
# Commits without an explicit date are spaced an hour apart from here, in commit order.
DEFAULT_START = datetime.fromisoformat("2024-01-02T10:00:00+00:00")

_GIT_OPTIONS = (
    "-c", "init.defaultBranch=main",
    "-c", "commit.gpgsign=false",
    "-c", "tag.gpgsign=false",
    "-c", "core.autocrlf=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "user.name=Test Committer",
    "-c", "user.email=committer@example.com",
)  # fmt: skip


def git_date(when: str | datetime) -> str:
    """Git's raw date format ("<seconds> <+hhmm>") for an ISO 8601 string or aware datetime.

    Raw dates avoid any dependence on how git parses ISO strings or the local timezone.
    """
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"date {when!r} needs a UTC offset")
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{int(moment.timestamp())} {sign}{hours:02d}{rest:02d}"


class GitRepo:
    """A git repository with a work tree, driven through the git command line."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._commits = 0
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self._env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_TERMINAL_PROMPT="0",
            HOME=str(self.path),  # nothing from the real home directory leaks in
            TZ="UTC",
            LC_ALL="C",
        )

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        """Create the directory (if needed) and an empty repository on branch main."""
        repo = cls(path)
        repo.path.mkdir(parents=True, exist_ok=True)
        repo.run("init", "--quiet", "--initial-branch=main")
        return repo

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run ``git ARGS`` in the repository and return its stdout; raise on failure."""
        done = subprocess.run(
            ["git", *_GIT_OPTIONS, *args],
            cwd=self.path,
            env={**self._env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed:\n{done.stderr}{done.stdout}")
        return done.stdout

    def _identity_env(
        self,
        author: tuple[str, str],
        date: str | datetime | None,
        committer: tuple[str, str] | None,
        committer_date: str | datetime | None,
    ) -> dict[str, str]:
        if date is None:
            date = DEFAULT_START + timedelta(hours=self._commits)
        committer = committer or author
        return {
            "GIT_AUTHOR_NAME": author[0],
            "GIT_AUTHOR_EMAIL": author[1],
            "GIT_AUTHOR_DATE": git_date(date),
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": git_date(committer_date or date),
        }

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Write (text or bytes), or delete (None), work-tree files and stage them."""
        for name, content in files.items():
            target = self.path / name
            if content is None:
                self.run("rm", "--quiet", "--", name)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                # newline="": keep "\n" as is on every platform, so blob ids stay stable.
                with open(target, "w", encoding="utf-8", newline="") as handle:
                    handle.write(content)
            self.run("add", "--", name)

    def commit(
        self,
        message: str,
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str | datetime | None = None,
        committer: tuple[str, str] | None = None,
        committer_date: str | datetime | None = None,
    ) -> str:
        """Commit ``files`` (path -> text, bytes, or None to delete); return the new sha.

        ``date`` is ISO 8601 with an offset (or an aware datetime); without it, commits are
        one hour apart from 2024-01-02 10:00 UTC. The committer defaults to the author and
        the committer date to ``date``. Without files the commit is empty.
        """
        self.write(files or {})
        env = self._identity_env(author, date, committer, committer_date)
        self.run("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message, env=env)
        self._commits += 1
        return self.head()

    def branch(self, name: str, start: str = "HEAD") -> None:
        """Create branch ``name`` at ``start`` and switch to it (``git checkout -b``)."""
        self.run("checkout", "--quiet", "-b", name, start)

    def checkout(self, name: str) -> None:
        """Switch the work tree to branch (or commit) ``name``."""
        self.run("checkout", "--quiet", name)

    def merge(
        self,
        branch: str,
        message: str | None = None,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str | datetime | None = None,
        committer: tuple[str, str] | None = None,
        committer_date: str | datetime | None = None,
    ) -> str:
        """Merge ``branch`` into the current branch with a real merge commit (``--no-ff``)."""
        env = self._identity_env(author, date, committer, committer_date)
        message = message or f"Merge branch '{branch}'"
        self.run("merge", "--quiet", "--no-ff", "--no-edit", "-m", message, branch, env=env)
        self._commits += 1
        return self.head()

    def write_mailmap(
        self,
        text: str,
        *,
        author: tuple[str, str] = DEFAULT_AUTHOR,
        date: str | datetime | None = None,
    ) -> str:
        """Commit ``text`` as ``.mailmap`` and return the new sha."""
        return self.commit("Add .mailmap", {".mailmap": text}, author=author, date=date)

    def head(self) -> str:
        """The sha of HEAD."""
        return self.run("rev-parse", "HEAD").strip()
