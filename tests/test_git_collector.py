"""Git collector on real repositories built with the git binary, stored in SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import collectors.git as git_module
from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.identity import BotRules
from ospo_metrics.models import CollectionRun, Commit, Identity, Person

JANE = ("Jane Doe", "jane@acme.com")
OMAR = ("Omar Said", "omar@globex.com")
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
BOTS = BotRules.from_config()


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive UTC, PostgreSQL aware datetimes in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def collect(engine, repo: GitRepo, tmp_path: Path, **kwargs):
    source = GitSource(name="acme/widgets", path=repo.path, refs=kwargs.pop("refs", ()))
    return collect_git(engine, source, bots=BOTS, cache_dir=tmp_path / "cache", **kwargs)


def commits(engine) -> dict[str, Commit]:
    with Session(engine) as session:
        return {c.sha: c for c in session.scalars(select(Commit))}


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def person_of(engine, commit: Commit) -> Person:
    with Session(engine) as session:
        return session.get(Person, commit.author_id)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.init(tmp_path / "widgets")


def test_commit_fields_counts_and_timezones(engine, repo, tmp_path):
    first = repo.commit(
        "Add readme", {"README.md": "a\nb\nc\n"}, author=JANE, date="2024-03-04T01:30:00+02:00"
    )
    second = repo.commit(
        "Edit readme\n\nLonger body.",
        {"README.md": "a\nB\nc\nd\n", "src/x.py": "print(1)\n"},
        author=OMAR,
        date="2024-03-05T10:00:00-05:00",
        committer=JANE,
        committer_date="2024-03-06T09:00:00+00:00",
    )
    result = collect(engine, repo, tmp_path)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 2, 2)

    stored = commits(engine)
    assert set(stored) == {first, second}
    a, b = stored[first], stored[second]
    # 01:30 at +02:00 is 23:30 UTC on the previous day.
    assert as_utc(a.authored_at) == datetime(2024, 3, 3, 23, 30, tzinfo=UTC)
    assert a.author_tz_offset == 120
    assert (a.additions, a.deletions, a.files_changed, a.is_merge) == (3, 0, 1, False)
    assert a.parents == ""
    assert b.author_tz_offset == -300
    assert as_utc(b.committed_at) == datetime(2024, 3, 6, 9, 0, tzinfo=UTC)
    # README: b->B changed (1+/1-), d added (1+); src/x.py added (1+).
    assert (b.additions, b.deletions, b.files_changed) == (3, 1, 2)
    assert b.parents == first
    assert b.subject == "Edit readme"
    assert person_of(engine, b).name == "Omar Said"
    assert b.committer_id == a.author_id


def test_trailers_dco_and_co_authors(engine, repo, tmp_path):
    own = repo.commit(
        "Fix\n\nSigned-off-by: Jane Doe <JANE@acme.com>\n"
        "Co-authored-by: Omar Said <omar@globex.com>",
        {"a": "1\n"},
        author=JANE,
        date="2024-01-01T10:00:00+00:00",
    )
    someone_else = repo.commit(
        "Fix again\n\nSigned-off-by: Omar Said <omar@globex.com>",
        {"a": "2\n"},
        author=JANE,
        date="2024-01-02T10:00:00+00:00",
    )
    none = repo.commit("No trailer", {"a": "3\n"}, author=JANE, date="2024-01-03T10:00:00+00:00")
    collect(engine, repo, tmp_path)
    stored = commits(engine)
    assert stored[own].signed_off is True
    assert stored[own].co_authors == "omar@globex.com"
    # The DCO counts only the author's own sign-off.
    assert stored[someone_else].signed_off is False
    assert stored[none].signed_off is False
    assert stored[none].co_authors == ""


def test_merges_and_binary_files(engine, repo, tmp_path):
    repo.commit("Base", {"a.txt": "x\n"}, author=JANE, date="2024-01-01T10:00:00+00:00")
    repo.branch("feature")
    repo.commit(
        "Logo",
        {"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x01"},
        author=OMAR,
        date="2024-01-02T10:00:00+00:00",
    )
    repo.checkout("main")
    repo.commit("Main work", {"b.txt": "y\n"}, author=JANE, date="2024-01-03T10:00:00+00:00")
    merge = repo.merge("feature", "Merge feature", author=JANE, date="2024-01-04T10:00:00+00:00")
    collect(engine, repo, tmp_path)
    stored = commits(engine)
    assert len(stored) == 4
    assert stored[merge].is_merge is True
    assert len(stored[merge].parents.split()) == 2
    # git log shows no diff for merges without -m: the work is counted once, in its commit.
    assert (stored[merge].files_changed, stored[merge].additions) == (0, 0)
    logo = next(c for c in stored.values() if c.subject == "Logo")
    assert (logo.files_changed, logo.binary_files, logo.additions, logo.deletions) == (1, 1, 0, 0)


def test_identities_mailmap_noreply_case_and_bots(engine, repo, tmp_path):
    repo.write_mailmap(
        "Jane Doe <jane@acme.com> <jd@old-laptop.local>\n",
        author=JANE,
        date="2024-01-01T09:00:00+00:00",
    )
    repo.commit("One", {"a": "1\n"}, author=JANE, date="2024-01-01T10:00:00+00:00")
    repo.commit(
        "Two", {"a": "2\n"}, author=("jd", "jd@old-laptop.local"), date="2024-01-02T10:00:00+00:00"
    )
    repo.commit(
        "Three",
        {"a": "3\n"},
        author=("Jane  Doe", "Jane@ACME.com"),
        date="2024-01-03T10:00:00+00:00",
    )
    repo.commit(
        "Web",
        {"a": "4\n"},
        author=("Omar", "1234+omarsaid@users.noreply.github.com"),
        date="2024-01-04T10:00:00+00:00",
    )
    repo.commit("Bump", {"a": "5\n"}, author=BOT, date="2024-01-05T10:00:00+00:00")
    collect(engine, repo, tmp_path)

    stored = commits(engine)
    by_subject = {c.subject: c for c in stored.values()}
    jane_ids = {by_subject[s].author_id for s in ("Add .mailmap", "One", "Two", "Three")}
    assert len(jane_ids) == 1, "mailmap and case-insensitive email make one person"
    with Session(engine) as session:
        jane = session.get(Person, jane_ids.pop())
        assert jane.name == "Jane Doe" and jane.is_bot is False
        web = session.get(Person, by_subject["Web"].author_id)
        assert web.login == "omarsaid"
        assert session.scalar(select(Identity.kind).where(Identity.person_id == web.id)) == "github"
        assert session.get(Person, by_subject["Bump"].author_id).is_bot is True
        emails = set(session.scalars(select(Identity.value).where(Identity.kind == "email")))
    assert "jd@old-laptop.local" not in emails


def test_second_run_is_incremental_and_writes_nothing_when_unchanged(engine, repo, tmp_path):
    for day in range(1, 4):
        repo.commit(f"c{day}", {"f": f"{day}\n"}, author=JANE, date=f"2024-01-0{day}T10:00:00Z")
    assert collect(engine, repo, tmp_path).items_written == 3

    unchanged = collect(engine, repo, tmp_path)
    assert (unchanged.status, unchanged.items_seen, unchanged.items_written) == ("unchanged", 0, 0)
    assert count(engine, Commit) == 3

    new = repo.commit("c4", {"f": "4\n"}, author=OMAR, date="2024-01-04T10:00:00Z")
    result = collect(engine, repo, tmp_path)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 1, 1)
    assert new in commits(engine) and count(engine, Commit) == 4
    with Session(engine) as session:
        statuses = list(session.scalars(select(CollectionRun.status).order_by(CollectionRun.id)))
    assert statuses == ["ok", "unchanged", "ok"]


def test_lost_cursor_and_rewritten_history_never_duplicate(engine, repo, tmp_path):
    repo.commit("a", {"f": "1\n"}, author=JANE, date="2024-01-01T10:00:00Z")
    repo.commit("b", {"f": "2\n"}, author=JANE, date="2024-01-02T10:00:00Z")
    collect(engine, repo, tmp_path)
    with Session(engine) as session, session.begin():
        for run in session.scalars(select(CollectionRun)):
            session.delete(run)  # as if the cursor were lost
    assert collect(engine, repo, tmp_path).items_written == 0
    assert count(engine, Commit) == 2

    # Force-push: the old tip disappears; the next run still finds what is new.
    repo.run("reset", "--hard", "HEAD~1")
    repo.run("reflog", "expire", "--expire=now", "--all")
    repo.run("gc", "--prune=now", "--quiet")
    rewritten = repo.commit("b2", {"f": "22\n"}, author=OMAR, date="2024-01-03T10:00:00Z")
    result = collect(engine, repo, tmp_path)
    assert result.status == "ok" and result.items_written == 1
    assert rewritten in commits(engine)


def test_interrupted_run_keeps_batches_and_next_run_completes(engine, repo, tmp_path, monkeypatch):
    shas = [
        repo.commit(
            f"c{i}",
            {"f": f"{i}\n"},
            author=JANE if i % 2 else OMAR,
            date=f"2024-02-{i + 1:02d}T10:00:00Z",
        )
        for i in range(7)
    ]
    monkeypatch.setattr(git_module, "CHUNK_SIZE", 2)
    calls = []

    def stop_after_first_batch(done: int, total: int) -> None:
        calls.append(done)
        if done > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        collect(engine, repo, tmp_path, progress=stop_after_first_batch, jobs=1)
    assert count(engine, Commit) == 2, "the committed batch survives the interruption"
    with Session(engine) as session:
        assert session.scalar(select(CollectionRun.status)) == "interrupted"

    result = collect(engine, repo, tmp_path, jobs=2)
    assert result.status == "ok"
    assert (result.items_seen, result.items_written) == (7, 5)
    assert set(commits(engine)) == set(shas)
    assert collect(engine, repo, tmp_path).status == "unchanged"


def test_refs_option_and_clone_from_url(engine, repo, tmp_path):
    repo.commit("main", {"f": "1\n"}, author=JANE, date="2024-01-01T10:00:00Z")
    repo.branch("release")
    release_only = repo.commit("rel", {"g": "1\n"}, author=JANE, date="2024-01-02T10:00:00Z")
    repo.checkout("main")

    source = GitSource(name="acme/widgets", url=f"file://{repo.path}")
    result = collect_git(engine, source, bots=BOTS, cache_dir=tmp_path / "cache")
    assert result.items_written == 1, "default branch only"
    assert (tmp_path / "cache" / "acme__widgets.git").is_dir()

    both = GitSource(name="acme/widgets", url=f"file://{repo.path}", refs=("main", "release"))
    result = collect_git(engine, both, bots=BOTS, cache_dir=tmp_path / "cache")
    assert result.items_written == 1
    assert release_only in commits(engine)


def test_bad_sources_fail_with_a_clear_message(engine, tmp_path):
    missing = collect_git(
        engine,
        GitSource(name="acme/gone", path=tmp_path / "nope"),
        bots=BOTS,
        cache_dir=tmp_path / "cache",
    )
    assert missing.status == "failed" and "does not exist" in missing.error
    (tmp_path / "plain").mkdir()
    not_git = collect_git(
        engine,
        GitSource(name="acme/plain", path=tmp_path / "plain"),
        bots=BOTS,
        cache_dir=tmp_path / "cache",
    )
    assert not_git.status == "failed" and "not a git repository" in not_git.error

    repo = GitRepo.init(tmp_path / "r")
    repo.commit("a", {"f": "1\n"}, author=JANE, date="2024-01-01T10:00:00Z")
    bad_ref = collect_git(
        engine,
        GitSource(name="acme/r", path=repo.path, refs=("nope",)),
        bots=BOTS,
        cache_dir=tmp_path / "cache",
    )
    assert bad_ref.status == "failed" and "'nope' does not exist" in bad_ref.error
    with Session(engine) as session:
        errors = list(session.scalars(select(CollectionRun.error).order_by(CollectionRun.id)))
    assert len(errors) == 3 and all(errors)


def test_commit_without_an_email_resolves_by_name(engine, repo, tmp_path):
    repo.commit("a", {"f": "1\n"}, author=("Ghost Writer", ""), date="2024-01-01T10:00:00Z")
    repo.commit("b", {"f": "2\n"}, author=("Ghost  Writer", ""), date="2024-01-02T10:00:00Z")
    repo.commit("c", {"f": "3\n"}, author=("Someone Else", ""), date="2024-01-03T10:00:00Z")
    assert collect(engine, repo, tmp_path).items_written == 3
    authors = [c.author_id for c in sorted(commits(engine).values(), key=lambda c: c.subject)]
    assert authors[0] == authors[1] != authors[2]


def test_credentials_in_a_clone_url_never_reach_errors_or_the_database(engine, tmp_path):
    token = "ghp_secret123456"
    source = GitSource(name="acme/private", url=f"https://x-access-token:{token}@127.0.0.1:9/a.git")
    result = collect_git(engine, source, bots=BOTS, cache_dir=tmp_path / "cache")
    assert result.status == "failed"
    assert token not in result.error and "127.0.0.1:9/a.git" in result.error
    with Session(engine) as session:
        assert token not in (session.scalar(select(CollectionRun.error)) or "")


def test_credentials_in_a_clone_url_stay_out_of_the_mirror_and_the_process_list(
    engine, tmp_path, monkeypatch
):
    from github_fake import FakeGitHub
    from github_fake.model import GitHubModel

    work = GitRepo.init(tmp_path / "work")
    work.commit("first", {"README.md": "hi\n"}, author=JANE, date="2024-01-01T10:00:00Z")
    work.commit("second", {"a.py": "x = 1\n"}, author=JANE, date="2024-01-02T10:00:00Z")
    model = GitHubModel()
    model.add_org("acme")
    model.add_repo("acme", "private", git_dir=work.path / ".git", visibility="private")
    # A real git behind a wrapper that writes down every command line git is started with.
    argv_log = tmp_path / "argv.log"
    real_git = git_module.shutil.which("git")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{argv_log}"\nexec "{real_git}" "$@"\n'
    )
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    cache = tmp_path / "cache"
    with FakeGitHub(model) as server:
        host = server.url.removeprefix("http://")
        with_token = f"http://x-access-token:{server.token}@{host}/acme/private.git"
        # A mirror an earlier version cloned with the credential in its remote URL is cleaned.
        old = cache / "acme__private.git"
        subprocess.run(["git", "clone", "--mirror", "-q", with_token, str(old)], check=True)
        argv_log.write_text("")
        source = GitSource(name="acme/private", url=with_token)
        first = collect_git(engine, source, bots=BOTS, cache_dir=cache)
        assert first.status == "ok" and first.items_written == 2, first.error
        shutil.rmtree(old)  # and a new mirror never gets it
        second = collect_git(engine, source, bots=BOTS, cache_dir=cache)
        assert second.status == "unchanged", second.error
    assert "acme/private.git" in argv_log.read_text()
    assert server.token not in argv_log.read_text()
    for path in cache.rglob("*"):
        if path.is_file():
            assert server.token.encode() not in path.read_bytes(), path
    config = (cache / "acme__private.git" / "config").read_text()
    assert f"url = {server.url}/acme/private.git" in config
