"""The standing fault suite, git part: each git fault class, then the repaired repository, then
the same database as a collection that never saw the fault.

Real repositories built with the git binary. Fault classes: a shallow clone, a force-push that
rewrote history, an empty repository, a detached HEAD, hostile commit metadata. Each case
collects the faulted repository (a clear status, never a traceback), repairs it the way a user
would, collects again, and compares every table on natural keys with a fresh collection of
the repaired repository into another database. `benchmarks/faults.py` counts them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from test_git_metadata import Crafted
from test_github_helpers import dump

from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.db import open_database
from ospo_metrics.identity import BotRules
from ospo_metrics.models import Commit, Repository

NAME = "acme/widgets"
JANE = ("Jane Doe", "jane@acme.com")
BOTS = BotRules.from_config()
COMMIT_COLUMNS = [
    c for c in Commit.__table__.columns if c.name not in ("id", "repository_id", "author_id")
]


def history(repo: GitRepo, count: int, start: int = 0) -> list[str]:
    return [
        repo.commit(f"c{i}", {"f.txt": "".join(f"{n}\n" for n in range(i + 1))}, author=JANE)
        for i in range(start, start + count)
    ]


def collect(engine: Engine, path: Path, tmp_path: Path):
    return collect_git(
        engine, GitSource(name=NAME, path=path), bots=BOTS, cache_dir=tmp_path / "cache"
    )


def git_dump(engine: Engine) -> dict[str, list[tuple]]:
    tables = dump(engine)
    with Session(engine) as session:
        tables["commits"] = sorted(
            (
                (name, *(str(v) for v in values))
                for name, *values in session.execute(
                    select(Repository.full_name, *COMMIT_COLUMNS).join(
                        Repository, Commit.repository_id == Repository.id
                    )
                )
            ),
            key=repr,
        )
    return tables


# Each case: (build the faulted repository, repair it), both given the repository folder.
def shallow(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    origin = GitRepo.init(tmp_path / "origin")
    history(origin, 6)
    origin.run("clone", "--quiet", "--depth", "2", f"file://{origin.path}", str(tmp_path / "r"))
    clone = GitRepo(tmp_path / "r")
    return clone.path, lambda: clone.run("fetch", "--quiet", "--unshallow")


def force_push(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    repo = GitRepo.init(tmp_path / "r")
    first, *_ = history(repo, 4)

    def rewrite() -> None:
        repo.run("reset", "--quiet", "--hard", first)
        history(repo, 3, start=20)

    return repo.path, rewrite


def empty(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    repo = GitRepo.init(tmp_path / "r")
    return repo.path, lambda: history(repo, 3) and None


def detached(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    repo = GitRepo.init(tmp_path / "r")
    shas = history(repo, 4)
    repo.checkout(shas[1])  # detached HEAD
    return repo.path, lambda: repo.checkout("main")


def hostile(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    repo = GitRepo.init(tmp_path / "r")
    history(repo, 2)
    crafted = Crafted(repo)
    when = b"1700000000 +0000"
    crafted.commit(b"Nul\x00 Byte <nul@acme.com> " + when, b"nul in the author")
    crafted.commit(b"Unit \x1fSep\x1e <us@acme.com> " + when, b"separators \x1f\x1e in a subject")
    crafted.commit(b"Far <far@acme.com> 253402300800 +9999", b"year 10000, zone +9999")
    crafted.commit(b"Long " + b"n" * 400 + b" <" + b"e" * 400 + b"@acme.com> " + when, b"long")
    return repo.path, lambda: history(repo, 1, start=30) and None


CASES = {
    "shallow clone": shallow,
    "force-push": force_push,
    "empty repository": empty,
    "detached HEAD": detached,
    "hostile metadata": hostile,
}


@pytest.mark.parametrize("case", list(CASES))
def test_git_fault_then_repaired_run_converges(case, tmp_path):
    path, repair = CASES[case](tmp_path)
    engine = open_database(f"sqlite:///{tmp_path / 'faulted.db'}")
    reference = open_database(f"sqlite:///{tmp_path / 'reference.db'}")
    try:
        first = collect(engine, path, tmp_path)  # a clear status, never a traceback
        assert first.status in ("ok", "empty", "failed", "unchanged"), first
        if first.status == "failed":
            assert first.error and "Traceback" not in first.error
        repair()
        again = collect(engine, path, tmp_path)
        assert again.status == "ok", again
        assert collect(engine, path, tmp_path).status == "unchanged"
        assert collect(reference, path, tmp_path / "fresh").status == "ok"
        assert git_dump(engine) == git_dump(reference), f"{case}: did not converge"
    finally:
        engine.dispose()
        reference.dispose()
