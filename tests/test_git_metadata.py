"""Hostile git metadata: crafted commit objects (`git hash-object -t commit --literally`) that
git itself stores but cannot print as usual. Each repository stays collectable, and every
commit gives the same, hand-checked row on SQLite and PostgreSQL.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.base import CollectorError
from collectors.git import GitSource
from collectors.gitlog import LOG_OPTIONS, LogStream, moment, parse_log
from ospo_metrics.collect_git import collect_git
from ospo_metrics.identity import BotRules
from ospo_metrics.models import Commit, Identity, Issue, Person, Repository
from ospo_metrics.store import ensure_repository, upsert

NOV_14 = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # epoch 1700000000
COMMITTER = b"committer Cee <cee@acme.com> 1700000000 +0000"


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Crafted:
    """A chain of commit objects written byte for byte, then pointed at by `main`."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.tree = repo.run("rev-parse", "HEAD^{tree}").strip()
        self.parent = repo.head()

    def commit(self, author: bytes, message: bytes, committer: bytes = COMMITTER) -> str:
        body = b"tree %s\nparent %s\nauthor %s\n%s\n\n%s\n" % (
            self.tree.encode(),
            self.parent.encode(),
            author,
            committer,
            message,
        )
        done = subprocess.run(
            ["git", "hash-object", "-t", "commit", "--literally", "-w", "--stdin"],
            input=body,
            cwd=self.repo.path,
            env=self.repo._env,
            capture_output=True,
            check=True,
        )
        self.parent = done.stdout.decode().strip()
        self.repo.run("update-ref", "refs/heads/main", self.parent)
        return self.parent


@pytest.fixture
def crafted(tmp_path: Path) -> Crafted:
    repo = GitRepo.init(tmp_path / "hostile")
    repo.commit("base", {"f.txt": "1\n"}, author=("Base", "base@acme.com"))
    return Crafted(repo)


def collect(engine, crafted: Crafted, tmp_path: Path):
    source = GitSource(name="acme/hostile", path=crafted.repo.path)
    return collect_git(engine, source, bots=BotRules.from_config(), cache_dir=tmp_path / "c")


def stored(engine) -> dict[str, Commit]:
    with Session(engine) as session:
        return {c.sha: c for c in session.scalars(select(Commit))}


def test_hostile_metadata_keeps_the_repository_collectable(engine, crafted, tmp_path):
    nul_ident = crafted.commit(b"Ja\x00ne <jane@acme.com> 1700000000 +0100", b"nul in ident")
    far_future = crafted.commit(b"Big <big@acme.com> 253402300800 +0000", b"year 10000")
    bad_zone = crafted.commit(
        b"Zed <zed@acme.com> 1700000000 +9999",
        b"zone +9999",
        committer=b"committer Cee <cee@acme.com> 1700000000 -9960",
    )
    separators = crafted.commit(
        b"A\x1fB\x1eC <a\x1fb@acme.com> 1700000000 +0000",
        b"sub\x1fject\x1e here\n\nSigned-off-by: A\x1fB\x1eC <a\x1fb@acme.com>\n"
        b"Co-authored-by: Omar\x1d Said <omar@globex.com>",
    )
    long_ident = crafted.commit(
        b"%s <%s@acme.com> 1700000000 +0000" % (b"N" * 300, b"e" * 400), b"long ident"
    )
    nul_subject = crafted.commit(b"Ann <ann@acme.com> 1700000000 +0000", b"subject with\x00 nul")
    no_email = crafted.commit(b"nobody 1700000000 +0000", b"no e-mail")

    result = collect(engine, crafted, tmp_path)
    assert (result.status, result.items_written) == ("ok", 8), result.error
    assert result.details["repaired"] == 4  # identity, date, zones, no e-mail

    rows = stored(engine)
    with Session(engine) as session:
        people = {p.id: p for p in session.scalars(select(Person))}
        emails = set(session.scalars(select(Identity.value).where(Identity.kind == "email")))

    # NUL inside the ident: git prints "%aN"; the raw object gives the real identity.
    row = rows[nul_ident]
    assert people[row.author_id].name == "Jane"
    assert (row.author_email, row.author_tz_offset) == ("jane@acme.com", 60)
    assert as_utc(row.authored_at) == NOV_14
    # Year 10000: the author date is unreadable, so the commit date stands in.
    row = rows[far_future]
    assert as_utc(row.authored_at) == NOV_14 and row.author_email == "big@acme.com"
    # Impossible zones: the instant is kept, in UTC.
    row = rows[bad_zone]
    assert (as_utc(row.authored_at), row.author_tz_offset) == (NOV_14, 0)
    assert as_utc(row.committed_at) == NOV_14
    # Separators of the old record format are ordinary characters now.
    row = rows[separators]
    assert people[row.author_id].name == "ABC" and row.author_email == "ab@acme.com"
    assert row.subject == "sub\x1fject\x1e here"
    assert row.signed_off is True and row.co_authors == "omar@globex.com"
    # Cut to the column sizes on both databases.
    row = rows[long_ident]
    assert people[row.author_id].name == "N" * 255
    assert row.author_email == ("e" * 400)[:320]
    assert ("e" * 400)[:320] in emails
    assert rows[nul_subject].subject == "subject with"
    row = rows[no_email]
    assert (row.author_email, as_utc(row.authored_at)) == ("", NOV_14)

    assert collect(engine, crafted, tmp_path).status == "unchanged"


def test_repairs_are_listed_per_commit():
    good = "\x00".join(
        ["", "a" * 40, "", "Jane", "jane@acme.com", "1700000000 +0200", "Cee", "c@acme.com",
         "253402300800 +0000", "", "", "subject", "\n1\t2\tf.txt\n-\t-\tlogo.png\n"]
    )  # fmt: skip
    (commit,) = parse_log(good)
    assert commit.repairs == ("committer date",)
    assert commit.committed_at == commit.authored_at  # the author date stands in
    assert (commit.additions, commit.deletions, commit.files_changed, commit.binary_files) == (
        1,
        2,
        2,
        1,
    )
    assert moment("1700000000", "+2460") == (NOV_14, False)
    assert moment("99999999999999999999", "+0000") == (None, False)


def test_the_store_cleans_every_text_the_same_way_on_both_databases(engine):
    """NUL bytes (refused by PostgreSQL in text) and over-long values, from GitHub as well."""
    with Session(engine) as session, session.begin():
        repo_id = ensure_repository(
            session,
            "github",
            "acme/texts",
            description="a\x00b",
            default_branch="x" * 300,
        )
        upsert(
            session,
            Issue,
            [
                {
                    "repository_id": repo_id,
                    "number": 1,
                    "title": "title\x00 with nul",
                    "state": "open",
                    "labels": [],
                    "created_at": NOV_14,
                    "updated_at": NOV_14,
                }
            ],
            ["repository_id", "number"],
        )
    with Session(engine) as session:
        repo = session.get(Repository, repo_id)
        assert (repo.description, repo.default_branch) == ("ab", "x" * 255)
        assert session.scalar(select(Issue.title)) == "title with nul"


def test_the_stream_parser_gives_the_same_commits_whatever_the_read_sizes(crafted):
    """Records, NUL separators and multi-byte characters cut anywhere between two reads."""
    crafted.repo.commit("Ünïcödé ✓", {"g.txt": "a\nb\n"}, author=("Zoë Ğüneş", "zoe@acme.com"))
    crafted.repo.commit("more", {"g.txt": "a\n", "h.bin": b"\x00\x01"}, author=("李雷", "li@x.cn"))
    shas = crafted.repo.run("rev-list", "--reverse", "main").split()
    output = subprocess.run(
        ["git", "log", *LOG_OPTIONS, "--numstat", "--no-walk=unsorted", *shas],
        cwd=crafted.repo.path,
        env=crafted.repo._env,
        capture_output=True,
        check=True,
    ).stdout
    whole = parse_log(output.decode())
    assert [c.author_name for c in whole] == ["Base", "Zoë Ğüneş", "李雷"]
    for size in (1, 2, 3, 7, 64):
        stream = LogStream()
        commits = []
        for start in range(0, len(output), size):
            commits += stream.feed(output[start : start + size])
        assert commits + stream.close() == whole
    with pytest.raises(CollectorError, match="unexpected git log output"):
        stream = LogStream()
        stream.feed(output[:-40])
        stream.close()
