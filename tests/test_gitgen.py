"""Tests for the fast-import repository writer, the synthetic history and tests/gitrepo.py."""

from __future__ import annotations

import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from gitrepo import GitRepo

from ospo_metrics.gitgen import GenCommit, git_env, synthetic_history, write_repository

START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
END = datetime(2024, 12, 20, 18, 0, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))
PST = timezone(timedelta(hours=-8))


def git(path: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, text=True, env=git_env(), check=True
    )
    return done.stdout


def at(day: int, hour: int = 10, tz: timezone = UTC) -> datetime:
    return datetime(2024, 3, day, hour, 0, tzinfo=tz)


# --------------------------------------------------------------------------- write_repository


def hand_made() -> list[GenCommit]:
    """Root, a side branch with two commits, work on main, the merge and a deletion."""
    return [
        GenCommit(
            "Asha Rao",
            "asha@acme.example",
            at(1, tz=IST),
            "Initial commit\n",
            {"README.md": "hello\n", "src/app.py": "print(1)\n"},
        ),
        GenCommit(
            "Bo Li",
            "12345+boli@users.noreply.github.com",
            at(2, tz=PST),
            "Add logo\n\nSigned-off-by: Bo Li <12345+boli@users.noreply.github.com>\n",
            {"docs/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01"},
            branch="topic",
        ),
        GenCommit(
            "Bo Li",
            "12345+boli@users.noreply.github.com",
            at(3, tz=PST),
            "Use logo",
            {"README.md": "hello\n![logo](docs/logo.png)\n"},
            branch="topic",
        ),
        GenCommit(
            "Asha Rao",
            "asha@acme.example",
            at(4, tz=IST),
            "Fix app (#7)\n\nCo-authored-by: Cy Dee <cy@globex.example>\n",
            {"src/app.py": "print(2)\n"},
            committer_name="GitHub",
            committer_email="noreply@github.com",
            committed_at=at(5),
        ),
        GenCommit(
            "Asha Rao",
            "asha@acme.example",
            at(6, tz=IST),
            "Merge pull request #8 from boli/topic\n\nUse logo\n",
            # A merge's tree is its first parent's plus its changes: bring the branch's work.
            {
                "docs/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01",
                "README.md": "hello\n![logo](docs/logo.png)\n",
            },
            merge_of=2,
        ),
        GenCommit("Asha Rao", "asha@acme.example", at(7, tz=IST), "Drop app", {"src/app.py": None}),
    ]


def test_write_repository_keeps_history_exactly(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    mailmap = "Bo Li <bo@acme.example> <12345+boli@users.noreply.github.com>\n"
    write_repository(repo, hand_made(), mailmap=mailmap)

    assert git(repo, "rev-list", "--count", "HEAD") == "6\n"
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main\n"
    # The merged side branch leaves no ref behind; scratch refs are gone too.
    assert git(repo, "for-each-ref", "--format=%(refname)") == "refs/heads/main\n"
    log = git(repo, "log", "--format=%an|%ae|%aI|%cn|%cI|%P|%s").splitlines()
    rows = [line.split("|") for line in reversed(log)]
    assert rows[0][:3] == ["Asha Rao", "asha@acme.example", "2024-03-01T10:00:00+05:30"]
    assert rows[0][5] == ""  # root commit
    assert rows[1][2] == "2024-03-02T10:00:00-08:00"
    assert rows[3][3] == "GitHub"
    assert datetime.fromisoformat(rows[3][4]) == at(5)
    assert datetime.fromisoformat(rows[3][4]).utcoffset() == timedelta(0)
    merge_parents = rows[4][5].split()
    assert len(merge_parents) == 2
    assert git(repo, "log", "-1", "--format=%s", merge_parents[1]) == "Use logo\n"
    assert git(repo, "log", "-1", "--format=%s", merge_parents[0]) == "Fix app (#7)\n"
    # Trailers survive byte for byte.
    trailers = git(repo, "log", "--format=%(trailers:only,unfold)")
    assert "Signed-off-by: Bo Li <12345+boli@users.noreply.github.com>" in trailers
    assert "Co-authored-by: Cy Dee <cy@globex.example>" in trailers
    # git sees the PNG as binary; the merge carried the side branch's file into main.
    assert "-\t-\tdocs/logo.png" in git(repo, "log", "--numstat", "--format=")
    assert git(repo, "ls-tree", "-r", "--name-only", "HEAD").split() == [
        ".mailmap",
        "README.md",
        "docs/logo.png",
    ]
    # The work tree is checked out and clean, and the committed .mailmap is in effect.
    assert (repo / "README.md").read_text() == "hello\n![logo](docs/logo.png)\n"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "check-mailmap", "x <12345+boli@users.noreply.github.com>") == (
        "Bo Li <bo@acme.example>\n"
    )


def test_write_repository_without_checkout_still_reads_mailmap(tmp_path: Path) -> None:
    repo = tmp_path / "bare-ish"
    commits = hand_made()[:1]
    mailmap = "A <a@acme.example> <asha@acme.example>\n"
    write_repository(repo, [commits[0]], mailmap=mailmap, checkout=False)
    assert not (repo / "README.md").exists()
    assert git(repo, "log", "--use-mailmap", "--format=%aN <%aE>") == "A <a@acme.example>\n"


def test_unmerged_branches_are_kept_and_scratch_refs_recycled(tmp_path: Path) -> None:
    def commit(day: int, branch: str | None = None, merge_of: int | None = None) -> GenCommit:
        return GenCommit(
            "Dee", "dee@example.com", at(day), f"c{day}", {f"f{day}": f"{day}\n"}, branch=branch,
            merge_of=merge_of,
        )  # fmt: skip

    commits = [
        commit(1),
        commit(2, "a"),  # index 1
        commit(3, merge_of=1),  # a merged; its scratch ref is reused by b
        commit(4, "b"),  # index 3
        commit(5, "c"),  # index 4, never merged
        commit(6, "b"),  # index 5
        commit(7, merge_of=5),
        commit(8, "a"),  # a grows again after its merge: continues from its old tip
    ]
    repo = tmp_path / "repo"
    write_repository(repo, commits)
    refs = git(repo, "for-each-ref", "--format=%(refname:short) %(subject)").splitlines()
    assert sorted(refs) == ["a c8", "c c5", "main c7"]
    assert git(repo, "log", "--format=%s", "main").split() == [
        "c7", "c6", "c4", "c3", "c2", "c1",
    ]  # fmt: skip
    assert git(repo, "log", "--format=%s", "a").split() == ["c8", "c2", "c1"]
    assert git(repo, "log", "--format=%s", "c").split() == ["c5", "c3", "c2", "c1"]


def test_write_repository_rejects_bad_input(tmp_path: Path) -> None:
    naive = GenCommit("A", "a@example.com", datetime(2024, 1, 1), "x", {"f": "1\n"})
    with pytest.raises(ValueError, match="timezone"):
        write_repository(tmp_path / "naive", [naive])
    first = GenCommit("A", "a@example.com", at(1), "x", {"f": "1\n"})
    forward = GenCommit("A", "a@example.com", at(2), "m", merge_of=5)
    with pytest.raises(ValueError, match="merge_of"):
        write_repository(tmp_path / "forward", [first, forward])
    bad_name = GenCommit("A <evil>", "a@example.com", at(1), "x")
    with pytest.raises(ValueError, match="must not contain"):
        write_repository(tmp_path / "name", [bad_name])
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_repository(tmp_path / "used", [first])
    assert (tmp_path / "used" / "file").read_text() == "keep me"


# --------------------------------------------------------------------------- synthetic_history

N = 600


@pytest.fixture(scope="module")
def history() -> list[GenCommit]:
    return list(synthetic_history(N, seed=11, start=START, end=END))


@pytest.fixture(scope="module")
def generated(history: list[GenCommit], tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("gen") / "repo"
    write_repository(repo, history)
    return repo


def test_generated_repository_has_requested_commits_and_merges(generated: Path) -> None:
    assert git(generated, "rev-list", "--count", "HEAD") == f"{N}\n"
    merges = int(git(generated, "rev-list", "--merges", "--count", "HEAD"))
    assert 0.03 * N <= merges <= 0.15 * N
    assert git(generated, "for-each-ref", "--format=%(refname)") == "refs/heads/main\n"
    assert 100 <= len(git(generated, "ls-files").split()) <= 400


def test_generated_repository_has_trailers_binaries_and_a_mixed_community(generated: Path) -> None:
    trailers = git(generated, "log", "--format=%(trailers:only,unfold)").splitlines()
    signed = sum(line.startswith("Signed-off-by: ") for line in trailers)
    assert signed >= 0.15 * N
    assert any(line.startswith("Co-authored-by: ") for line in trailers)
    assert "-\t-\tdocs/images/" in git(generated, "log", "--numstat", "--format=")

    authors = git(generated, "log", "--format=%an|%ae").splitlines()
    emails = {line.split("|")[1] for line in authors}
    domains = Counter(email.split("@")[1] for email in emails)
    assert domains["acme.example"] >= 2
    assert {"globex.example", "initech.example", "umbrella.example"} & set(domains)
    assert domains["users.noreply.github.com"] >= 3
    assert {"gmail.com", "outlook.com"} & set(domains)
    assert any(email.startswith("49699333+dependabot[bot]@") for email in emails)
    assert "GitHub|noreply@github.com" in git(generated, "log", "--format=%cn|%ce")
    # Heavy tail: the busiest four people author most human commits.
    per_author = Counter(line for line in authors if "[bot]" not in line)
    top4 = sum(count for _, count in per_author.most_common(4))
    assert top4 > 0.4 * sum(per_author.values())
    assert len(per_author) >= 25
    # Someone commits under two emails with the same name.
    names = Counter(line.split("|")[0] for line in set(authors))
    assert any(count > 1 for count in names.values())


def test_dates_timezones_and_weekly_rhythm(history: list[GenCommit], generated: Path) -> None:
    committed = [c.committed_at or c.authored_at for c in history]
    assert committed == sorted(committed)
    assert START <= committed[0] < START + timedelta(hours=7)
    assert END - timedelta(hours=36) <= committed[-1] <= END
    assert all(START <= c.authored_at <= c2 for c, c2 in zip(history, committed, strict=True))
    assert len({c.authored_at.utcoffset() for c in history}) >= 5
    weekend = sum(c.authored_at.weekday() >= 5 for c in history)
    assert weekend < 0.25 * N
    # Exactly what was generated is what git stores, offsets included.
    expected = Counter(
        (c.author_email, c.authored_at.isoformat(), (c.committed_at or c.authored_at).isoformat())
        for c in history
    )
    log = git(generated, "log", "--format=%ae|%aI|%cI").splitlines()
    stored = Counter(
        (email, datetime.fromisoformat(a).isoformat(), datetime.fromisoformat(c).isoformat())
        for email, a, c in (line.split("|") for line in log)
    )
    assert stored == expected


def test_synthetic_history_is_deterministic(history: list[GenCommit], tmp_path: Path) -> None:
    assert list(synthetic_history(N, seed=11, start=START, end=END)) == history
    assert list(synthetic_history(N, seed=12, start=START, end=END)) != history
    small = list(synthetic_history(60, seed=3, start=START, end=END))
    write_repository(tmp_path / "one", small)
    write_repository(tmp_path / "two", small)
    assert git(tmp_path / "one", "rev-parse", "HEAD") == git(tmp_path / "two", "rev-parse", "HEAD")


def test_synthetic_history_validates_arguments() -> None:
    with pytest.raises(ValueError):
        synthetic_history(0, seed=1, start=START, end=END)
    with pytest.raises(ValueError):
        synthetic_history(5, seed=1, start=END, end=START)
    with pytest.raises(ValueError):
        synthetic_history(5, seed=1, start=START.replace(tzinfo=None), end=END)
    with pytest.raises(ValueError):
        synthetic_history(5, seed=1, start=START, end=END, language="cobol")


def test_tiny_histories_still_work(tmp_path: Path) -> None:
    for n in (1, 2, 5):
        repo = tmp_path / f"n{n}"
        write_repository(repo, synthetic_history(n, seed=n, start=START, end=END))
        assert git(repo, "rev-list", "--count", "HEAD") == f"{n}\n"


# --------------------------------------------------------------------------- tests/gitrepo.py


def test_gitrepo_builds_real_deterministic_repositories(tmp_path: Path) -> None:
    def build(path: Path) -> GitRepo:
        repo = GitRepo.init(path)
        repo.commit("Base", {"a.txt": "x\n", "old.txt": "bye\n"}, date="2024-01-02T10:00:00+02:00")
        repo.branch("feature")
        repo.commit(
            "Logo",
            {"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x01", "old.txt": None},
            author=("Omar", "1234+omar@users.noreply.github.com"),
            date="2024-01-03T10:00:00-05:00",
            committer=("GitHub", "noreply@github.com"),
            committer_date="2024-01-04T09:00:00Z",
        )
        repo.checkout("main")
        repo.commit("Main work", {"b.txt": "y\n"})
        repo.merge("feature", "Merge feature", date="2024-01-05T10:00:00+00:00")
        repo.write_mailmap("Omar Said <omar@acme.example> <1234+omar@users.noreply.github.com>\n")
        return repo

    repo = build(tmp_path / "one")
    assert build(tmp_path / "two").head() == repo.head()
    assert repo.run("rev-list", "--count", "HEAD") == "5\n"
    assert repo.run("rev-list", "--merges", "--count", "HEAD") == "1\n"
    logo = repo.run("log", "--format=%aI|%cn|%cI", "--grep=Logo").strip().split("|")
    assert logo[0] == "2024-01-03T10:00:00-05:00"
    assert logo[1] == "GitHub"
    assert datetime.fromisoformat(logo[2]) == datetime(2024, 1, 4, 9, tzinfo=UTC)
    assert "-\t-\tlogo.png" in repo.run("log", "--numstat", "--format=")
    assert sorted(repo.run("ls-files").split()) == [".mailmap", "a.txt", "b.txt", "logo.png"]
    assert repo.run("log", "--use-mailmap", "--format=%aN", "--grep=Logo") == "Omar Said\n"
