"""Git history the collector must not get wrong: shallow clones, rewritten history, empty
repositories, a detached HEAD, and user configuration that would change line counts.

Real repositories built with the git binary; SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import collectors.git as git_module
from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.identity import BotRules
from ospo_metrics.models import CollectionRun, Commit, Person, Repository
from ospo_metrics.store import PeopleResolver, ensure_repository
from ospo_metrics.store.commits import CommitWriter, insert_commits

JANE = ("Jane Doe", "jane@acme.com")
BOTS = BotRules.from_config()
# What a fresh collection must equal, column by column (ids and the repository aside).
ROW = ("sha", "parents", "author_email", "authored_at", "additions", "deletions",
       "files_changed", "binary_files", "is_merge", "subject")  # fmt: skip


def collect(engine, path: Path, tmp_path: Path, name: str = "acme/widgets", **source):
    return collect_git(
        engine,
        GitSource(name=name, path=path, **source),
        bots=BOTS,
        cache_dir=tmp_path / "cache",
    )


def rows(engine, name: str = "acme/widgets") -> dict[str, tuple]:
    with Session(engine) as session:
        found = session.scalars(select(Commit).join(Repository).where(Repository.full_name == name))
        return {c.sha: tuple(getattr(c, column) for column in ROW) for c in found}


def history(repo: GitRepo, count: int, start: int = 0) -> list[str]:
    return [
        repo.commit(f"c{i}", {"f.txt": "".join(f"{n}\n" for n in range(i + 1))}, author=JANE)
        for i in range(start, start + count)
    ]


def clone(source: GitRepo, target: Path, *options: str) -> GitRepo:
    source.run("clone", "--quiet", *options, f"file://{source.path}", str(target))
    return GitRepo(target)


# --- shallow clones ------------------------------------------------------------------------


def test_a_shallow_clone_is_refused_with_advice_and_nothing_is_stored(engine, tmp_path):
    origin = GitRepo.init(tmp_path / "origin")
    history(origin, 6)
    shallow = clone(origin, tmp_path / "shallow", "--depth", "2")

    result = collect(engine, shallow.path, tmp_path)
    assert result.status == "failed"
    assert "shallow clone" in result.error and "git fetch --unshallow" in result.error
    assert "shallow: unshallow" in result.error
    assert rows(engine) == {}

    # The user follows the advice; the next run collects the whole history.
    shallow.run("fetch", "--quiet", "--unshallow")
    assert collect(engine, shallow.path, tmp_path).status == "ok"
    assert len(rows(engine)) == 6


def test_unshallow_setting_fetches_the_whole_history_first(engine, tmp_path):
    origin = GitRepo.init(tmp_path / "origin")
    shas = history(origin, 6)
    shallow = clone(origin, tmp_path / "shallow", "--depth", "2")

    result = collect(engine, shallow.path, tmp_path, shallow="unshallow")
    assert (result.status, result.items_written) == ("ok", 6)
    assert shallow.run("rev-parse", "--is-shallow-repository").strip() == "false"
    stored = rows(engine)
    boundary = stored[shas[4]]  # the oldest commit the depth-2 clone had
    assert boundary[1] == shas[3], "the boundary commit has its parent"
    assert boundary[4:7] == (1, 0, 1), "one line added, not the whole tree"
    collect(engine, origin.path, tmp_path, name="fresh/copy")
    assert stored == rows(engine, "fresh/copy")


def test_a_boundary_commit_stored_by_an_older_version_is_repaired(engine, tmp_path):
    """An older version stored a shallow clone's boundary as a root commit with its whole tree
    as a diff, and a cursor of tips only; once the clone is whole the run must not say
    "unchanged" (the tip did not move) but reconcile."""
    repo = GitRepo.init(tmp_path / "repo")
    shas = history(repo, 4)
    assert collect(engine, repo.path, tmp_path).status == "ok"
    expected = rows(engine)
    with Session(engine) as session, session.begin():
        boundary = session.scalar(select(Commit).where(Commit.sha == shas[2]))
        boundary.parents, boundary.additions, boundary.files_changed = "", 776_009, 924
        for run in session.scalars(select(CollectionRun)):
            run.cursor = {"tips": run.cursor["tips"]}  # the old cursor format

    result = collect(engine, repo.path, tmp_path)
    assert result.status == "ok" and result.items_written == 1
    assert rows(engine) == expected
    assert collect(engine, repo.path, tmp_path).status == "unchanged"


def test_history_changed_behind_an_unmoved_tip_is_reconciled(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    a, _b, c = history(repo, 3)
    collect(engine, repo.path, tmp_path)
    # A graft rewires c onto a: b is no longer in the history, though no ref moved.
    (repo.path / ".git" / "info").mkdir(exist_ok=True)
    (repo.path / ".git" / "info" / "grafts").write_text(f"{c} {a}\n")

    result = collect(engine, repo.path, tmp_path)
    assert result.status == "ok" and result.details["removed"] == 1
    stored = rows(engine)
    assert set(stored) == {a, c} and stored[c][1] == a
    collect(engine, repo.path, tmp_path, name="fresh/copy")
    assert stored == rows(engine, "fresh/copy")


# --- rewritten history ---------------------------------------------------------------------


def test_force_push_removes_rewritten_commits_and_equals_a_fresh_collection(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    a, _b, _c = history(repo, 3)
    collect(engine, repo.path, tmp_path)
    # Rewrite b and c; the old objects stay in the repository (no gc), as after a fetch.
    repo.run("reset", "--quiet", "--hard", a)
    rewritten = history(repo, 3, start=10)

    result = collect(engine, repo.path, tmp_path)
    assert result.status == "ok"
    assert (result.items_written, result.details["removed"]) == (3, 2)
    stored = rows(engine)
    assert set(stored) == {a, *rewritten}
    collect(engine, repo.path, tmp_path, name="fresh/copy")
    assert stored == rows(engine, "fresh/copy")
    assert collect(engine, repo.path, tmp_path).status == "unchanged"


def test_a_ref_dropped_from_the_config_takes_its_own_commits_along(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    (base,) = history(repo, 1)
    repo.branch("feature")
    feature_only = history(repo, 2, start=5)
    repo.checkout("main")
    main_only = history(repo, 1, start=9)

    collect(engine, repo.path, tmp_path, refs=("main", "feature"))
    assert set(rows(engine)) == {base, *feature_only, *main_only}
    result = collect(engine, repo.path, tmp_path, refs=("main",))
    assert result.details["removed"] == 2
    assert set(rows(engine)) == {base, *main_only}


def test_a_fast_forward_is_read_incrementally(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    history(repo, 3)
    collect(engine, repo.path, tmp_path)
    new = history(repo, 2, start=3)
    result = collect(engine, repo.path, tmp_path)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 2, 2)
    assert "removed" not in result.details
    assert set(new) <= set(rows(engine))


# --- empty repositories and detached HEADs -------------------------------------------------


def test_an_empty_repository_is_nothing_to_collect_not_a_failure(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    result = collect(engine, repo.path, tmp_path)
    assert (result.status, result.error, result.items_written) == ("empty", None, 0)
    with Session(engine) as session:
        assert session.scalar(select(CollectionRun.status)) == "empty"

    url = collect_git(
        engine,
        GitSource(name="acme/new", url=f"file://{repo.path}"),
        bots=BOTS,
        cache_dir=tmp_path / "cache",
    )
    assert url.status == "empty"

    history(repo, 1)
    assert collect(engine, repo.path, tmp_path).status == "ok"


def test_a_detached_head_collects_what_head_points_to(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    a, b, _c = history(repo, 3)
    repo.checkout(b)  # detached
    result = collect(engine, repo.path, tmp_path)
    assert (result.status, result.items_written) == ("ok", 2)
    assert set(rows(engine)) == {a, b}


def test_head_on_an_unborn_branch_names_the_branches_to_configure(engine, tmp_path):
    repo = GitRepo.init(tmp_path / "repo")
    history(repo, 1)
    repo.run("branch", "-m", "main", "trunk")
    repo.run("symbolic-ref", "HEAD", "refs/heads/master")
    result = collect(engine, repo.path, tmp_path)
    assert result.status == "failed"
    assert "HEAD points at 'master'" in result.error and "trunk" in result.error
    assert "refs" in result.error
    assert collect(engine, repo.path, tmp_path, refs=("trunk",)).status == "ok"


# --- configuration that would change line counts -------------------------------------------

TEN_LINES = "".join(f"line {n}\n" for n in range(10))


def test_user_and_repository_config_do_not_change_line_counts(engine, tmp_path, monkeypatch):
    repo = GitRepo.init(tmp_path / "repo")
    root = repo.commit("add", {"a.txt": TEN_LINES, "data.bin.txt": "x\n"}, author=JANE)
    repo.run("mv", "a.txt", "b.txt")
    moved = repo.commit("move", {"b.txt": TEN_LINES.replace("line 3", "LINE 3")}, author=JANE)

    # A user whose git would report something else for the same history.
    home = tmp_path / "home"
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".config" / "git" / "attributes").write_text("*.txt binary\n")
    (home / ".gitconfig").write_text(
        "[diff]\n\trenames = false\n\talgorithm = patience\n[log]\n\tshowRoot = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    repo.run("config", "diff.renames", "copies")  # and the repository's own config
    repo.run("config", "log.showRoot", "false")

    collect(engine, repo.path, tmp_path)
    stored = rows(engine)
    # Root: 10 + 1 lines in 2 files. Move with one line changed: a rename, +1 -1 in 1 file.
    assert stored[root][4:8] == (11, 0, 2, 0)
    assert stored[moved][4:8] == (1, 1, 1, 0)


# --- the bulk write path -------------------------------------------------------------------


def test_bulk_commit_writes_are_idempotent_and_keep_stored_rows(engine, tmp_path):
    """COPY through a staging table on PostgreSQL, plain inserts on SQLite: a batch written
    twice (a resumed run, two collectors at once) adds nothing and changes nothing."""
    repo = GitRepo.init(tmp_path / "repo")
    history(repo, 3)
    collect(engine, repo.path, tmp_path)
    before = rows(engine)
    with Session(engine) as session:
        stored = [
            {c.name: getattr(commit, c.key) for c in Commit.__table__.columns if c.name != "id"}
            for commit in session.scalars(select(Commit))
        ]
        changed = [{**row, "subject": "other"} for row in stored]
        insert_commits(session, changed + changed)
        session.commit()
        insert_commits(session, changed)
        session.commit()
    assert rows(engine) == before


def whole_rows(engine, name: str) -> dict[str, dict]:
    """Every column of a repository's commits but the row id and the repository."""
    with Session(engine) as session:
        found = session.scalars(select(Commit).join(Repository).where(Repository.full_name == name))
        return {
            c.sha: {
                column.key: getattr(c, column.key)
                for column in Commit.__table__.columns
                if column.name not in ("id", "repository_id")
            }
            for c in found
        }


def test_a_first_collection_then_incremental_runs_equal_one_run(engine, tmp_path, monkeypatch):
    """The first collection copies straight into `commits` on PostgreSQL (nothing stored can
    conflict), later runs go through the staging table: together they store what one run of
    the final history stores, column by column, and a re-run adds nothing."""
    monkeypatch.setattr(git_module, "CHUNK_SIZE", 2)  # several batches, several transactions
    repo = GitRepo.init(tmp_path / "repo")
    first = history(repo, 5)
    assert collect(engine, repo.path, tmp_path).items_written == 5
    repo.branch("feature")
    side = repo.commit("side", {"g.txt": "a\nb\n"}, author=("Omar Said", "omar@acme.com"))
    repo.checkout("main")
    later = history(repo, 2, start=5)
    merge = repo.merge("feature", "Merge feature")
    result = collect(engine, repo.path, tmp_path)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 4, 4)
    assert collect(engine, repo.path, tmp_path).status == "unchanged"

    assert collect(engine, repo.path, tmp_path, name="acme/once").items_written == 9
    stored, once = whole_rows(engine, "acme/widgets"), whole_rows(engine, "acme/once")
    assert stored == once
    assert set(stored) == {*first, side, *later, merge}
    # Hand-checked: c0 adds f.txt's first line, each next commit one line; `side` adds g.txt.
    assert [stored[sha]["additions"] for sha in first] == [1, 1, 1, 1, 1]
    assert (stored[side]["additions"], stored[side]["files_changed"]) == (2, 1)
    assert stored[merge]["is_merge"] and stored[merge]["parents"] == f"{later[-1]} {side}"
    assert stored[later[0]]["parents"] == first[-1]

    # A re-run with the cursor lost reconciles against what is stored: nothing new.
    with Session(engine) as session, session.begin():
        for run in session.scalars(select(CollectionRun)):
            session.delete(run)
    again = collect(engine, repo.path, tmp_path)
    assert (again.status, again.items_seen, again.items_written) == ("unchanged", 9, 0)
    assert whole_rows(engine, "acme/widgets") == once


def test_a_first_collection_copy_that_meets_a_stored_commit_keeps_the_batch(engine, tmp_path):
    """Another collection of the same repository running at the same time can store one of
    the commits first: the direct copy then fails on the unique key, rolls back to its
    savepoint only (the people created before it stay) and the batch takes the staging path."""
    repo = GitRepo.init(tmp_path / "repo")
    history(repo, 3)
    collect(engine, repo.path, tmp_path)
    rows = sorted(whole_rows(engine, "acme/widgets").values(), key=lambda row: row["subject"])
    with Session(engine) as session:
        repo_id = ensure_repository(session, "git", "acme/copy", source="test")
        session.commit()
    rows = [{**row, "repository_id": repo_id} for row in rows]

    with Session(engine) as session:
        writer = CommitWriter(session, first=True)
        assert writer.direct == (engine.dialect.name == "postgresql")
        writer.write(rows[:1])
        session.commit()
        with Session(engine) as other:  # the other collection stores c1 and commits
            insert_commits(other, rows[1:2])
            other.commit()
        people = PeopleResolver(session, BOTS).resolve_emails([("Ann New", "ann@new.org")])
        writer.write(rows)  # c0 (ours), c1 (theirs) and c2
        session.commit()
        assert writer.direct is False

    copied = whole_rows(engine, "acme/copy")
    assert sorted(row["subject"] for row in copied.values()) == ["c0", "c1", "c2"]
    assert copied == whole_rows(engine, "acme/widgets")
    with Session(engine) as session:
        assert session.get(Person, people["ann@new.org"]).name == "Ann New"
        total = session.scalar(select(func.count()).select_from(Commit))
    assert total == 6


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a repository to another account needs root")
def test_a_repository_owned_by_another_account_the_user_trusts_stays_readable(
    engine, tmp_path, monkeypatch
):
    """Mining reads no user configuration, except the user's `safe.directory` entries."""
    repo = GitRepo.init(tmp_path / "shared")
    history(repo, 2)
    for folder, _, files in os.walk(repo.path):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(name, 65534, 65534)  # nobody
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[safe]\n\tdirectory = {repo.path}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    git_module._trusted_directories.cache_clear()
    try:
        result = collect(engine, repo.path, tmp_path)
    finally:
        git_module._trusted_directories.cache_clear()
    assert (result.status, result.items_written) == ("ok", 2), result.error
