"""Perceval imports: the real `perceval git` on a repository built here gives the same commits,
people and line counts as the git collector; GitHub issue and pull request items in Perceval's
shape; malformed files reported with their name, nothing half-imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitrepo import GitRepo
from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.git import GitSource
from collectors.perceval import PercevalFormatError, parse_perceval, repository_name
from ospo_metrics.collect.perceval import import_perceval_files
from ospo_metrics.collect_git import collect_git
from ospo_metrics.db import open_database
from ospo_metrics.identity import BotRules
from ospo_metrics.models import Comment, Commit, Identity, Issue, Person, Repository

BOTS = BotRules.from_config()
JANE = ("Jane Doe", "jane@acme.com")
OMAR = ("Ömar Saïd", "omar@globex.com")
COMMIT_COLUMNS = (
    "sha", "parents", "author_name", "author_email", "author_tz_offset", "additions",
    "deletions", "files_changed", "binary_files", "is_merge", "signed_off", "co_authors",
    "subject",
)  # fmt: skip


def _perceval() -> str:
    found = shutil.which("perceval") or str(Path(sys.executable).with_name("perceval"))
    if not Path(found).exists():
        pytest.fail("perceval is not installed: pip install -r requirements-dev.txt")
    return found


def build(path: Path) -> GitRepo:
    repo = GitRepo.init(path)
    repo.commit(
        "Add readme", {"README.md": "a\nb\nc\n"}, author=JANE, date="2024-03-04T01:30:00+02:00"
    )
    repo.branch("feature")
    repo.commit(
        "Feature\n\nSigned-off-by: Ömar Saïd <omar@globex.com>\n"
        "Co-authored-by: Jane Doe <jane@acme.com>",
        {"src/app.py": "x = 1\ny = 2\n", "logo.png": b"\x89PNG\x00\x01\x02"},
        author=OMAR,
        date="2024-03-05T09:00:00-05:00",
    )
    repo.checkout("main")
    repo.commit(
        "Edit readme", {"README.md": "a\nc\nd\ne\n"}, author=JANE, date="2024-03-06T10:00:00+05:30"
    )
    repo.merge("feature", "Merge feature", author=JANE, date="2024-03-07T11:00:00+00:00")
    repo.commit("Rename", {"README.md": None, "README.txt": "a\nc\nd\ne\n"}, author=OMAR)
    return repo


def commit_rows(engine) -> dict[str, tuple]:
    with Session(engine) as session:
        out = {}
        for commit in session.scalars(select(Commit)):
            author = session.get(Person, commit.author_id)
            committer = session.get(Person, commit.committer_id)
            values = tuple(getattr(commit, name) for name in COMMIT_COLUMNS)
            stamps = (_utc(commit.authored_at), _utc(commit.committed_at))
            out[commit.sha] = (*values, *stamps, author.name, committer.name)
        return out


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def people(engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        return set(
            session.execute(
                select(Person.name, Identity.value).join(Identity, Identity.person_id == Person.id)
            ).all()
        )


def test_real_perceval_git_output_imports_as_the_git_collector_stores(engine, tmp_path):
    repo = build(tmp_path / "widgets")
    out = tmp_path / "widgets.jsonl"
    with out.open("w") as handle:
        subprocess.run(
            [_perceval(), "git", str(repo.path), "--json-line", "--git-path", str(tmp_path / "pv")],
            stdout=handle,
            stderr=subprocess.DEVNULL,
            check=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TZ": "UTC"},
        )
    assert len(out.read_text().splitlines()) == 5

    collected = open_database(f"sqlite:///{tmp_path / 'git.db'}")
    source = GitSource(name="widgets", path=repo.path, refs=())
    assert collect_git(collected, source, bots=BOTS, cache_dir=tmp_path / "cache").status == "ok"

    [result] = import_perceval_files(engine, [out], BOTS)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 5, 5)
    imported = commit_rows(engine)
    assert imported == commit_rows(collected)
    assert len(imported) == 5
    assert people(engine) == people(collected)
    with Session(engine) as session:
        assert session.scalars(select(Repository.full_name)).all() == ["widgets"]
    # Hand-checked: the feature commit adds 2 lines in 2 files, one of them binary; the merge
    # counts nothing; the DCO sign-off is the author's own.
    by_subject = {row[12]: row for row in imported.values()}
    assert by_subject["Feature"][5:11] == (2, 0, 2, 1, False, True)
    assert by_subject["Merge feature"][5:9] == (0, 0, 0, 0)
    assert by_subject["Edit readme"][4:7] == (330, 2, 1)

    # Importing again, or collecting the same repository afterwards, adds nothing.
    import_perceval_files(engine, [out], BOTS)
    again = collect_git(engine, source, bots=BOTS, cache_dir=tmp_path / "cache2")
    assert again.status in ("ok", "unchanged")
    assert commit_rows(engine) == imported
    collected.dispose()


def _item(backend: str, category: str, data: dict, origin: str) -> str:
    return json.dumps(
        {
            "backend_name": backend,
            "backend_version": "1.0",
            "category": category,
            "data": data,
            "origin": origin,
            "perceval_version": "1.6.1",
            "updated_on": 1709550000.0,
            "uuid": "x",
        }
    )


ORIGIN = "https://github.com/acme/widgets"
USER = {"login": "jane", "type": "User"}
REVIEWER = {"login": "omar", "type": "User"}
BOT = {"login": "ci[bot]", "type": "Bot"}
ISSUE = {
    "number": 7,
    "id": 1007,
    "title": "Crash on start",
    "state": "closed",
    "user": USER,
    "labels": [{"name": "bug"}],
    "created_at": "2024-03-01T10:00:00Z",
    "updated_at": "2024-03-03T10:00:00Z",
    "closed_at": "2024-03-03T10:00:00Z",
    "html_url": "https://github.com/acme/widgets/issues/7",
    "comments_data": [
        {"id": 1, "user": BOT, "created_at": "2024-03-01T10:01:00Z"},
        {"id": 2, "user": REVIEWER, "created_at": "2024-03-02T10:00:00Z"},
    ],
}
PULL_AS_ISSUE = {
    "number": 8,
    "id": 1008,
    "title": "Fix crash",
    "state": "closed",
    "user": USER,
    "created_at": "2024-03-02T00:00:00Z",
    "updated_at": "2024-03-04T00:00:00Z",
    "closed_at": "2024-03-04T00:00:00Z",
    "pull_request": {"merged_at": "2024-03-04T00:00:00Z"},
    "comments_data": [{"id": 3, "user": REVIEWER, "created_at": "2024-03-03T12:00:00Z"}],
}
PULL = {
    "number": 8,
    "id": 2008,
    "title": "Fix crash",
    "state": "closed",
    "user": USER,
    "draft": False,
    "created_at": "2024-03-02T00:00:00Z",
    "updated_at": "2024-03-04T00:00:00Z",
    "closed_at": "2024-03-04T00:00:00Z",
    "merged_at": "2024-03-04T00:00:00Z",
    "reviews_data": [
        {"id": 40, "user": REVIEWER, "state": "APPROVED", "submitted_at": "2024-03-02T06:00:00Z"},
        {"id": 41, "user": REVIEWER, "state": "PENDING"},
    ],
    "review_comments_data": [{"id": 50, "user": REVIEWER, "created_at": "2024-03-02T05:59:00Z"}],
}


def test_github_issues_and_pull_requests_in_perceval_shape(engine, tmp_path):
    issues = tmp_path / "issues.jsonl"
    issues.write_text(
        _item("GitHub", "issue", ISSUE, ORIGIN)
        + "\n"
        + _item("GitHub", "issue", PULL_AS_ISSUE, ORIGIN)
        + "\n"
    )
    pulls = tmp_path / "pulls.json"  # Perceval's default output: indented objects in a row
    pulls.write_text(
        json.dumps(json.loads(_item("GitHub", "pull_request", PULL, ORIGIN)), indent=4)
    )
    results = import_perceval_files(engine, [issues, pulls], BOTS)
    assert [r.status for r in results] == ["ok", "ok"]
    with Session(engine) as session:
        rows = {i.number: i for i in session.scalars(select(Issue))}
        assert session.scalars(select(Repository.full_name)).all() == ["acme/widgets"]
        assert rows[7].state == "closed" and not rows[7].is_pull_request
        assert rows[7].labels == ["bug"]
        # The bot's comment does not count: Omar's, a day after opening, is the first response.
        assert _utc(rows[7].first_response_at).isoformat() == "2024-03-02T10:00:00+00:00"
        assert rows[8].is_pull_request and rows[8].state == "merged"
        # The review (06:00, from the pull request file) comes before the conversation comment
        # (from the issues file): both files of one import are joined.
        assert _utc(rows[8].first_response_at).isoformat() == "2024-03-02T06:00:00+00:00"
        kinds = sorted(session.execute(select(Comment.kind, Comment.source_id)).all())
        assert kinds == [
            ("comment", 1),
            ("comment", 2),
            ("comment", 3),
            ("review", 40),
            ("review_comment", 50),
        ]
    again = import_perceval_files(engine, [issues, pulls], BOTS)
    assert [r.status for r in again] == ["ok", "ok"]
    with Session(engine) as session:
        assert len(session.scalars(select(Comment)).all()) == 5
        assert len(session.scalars(select(Issue)).all()) == 2


GOOD_COMMIT = {
    "commit": "a" * 40,
    "parents": [],
    "Author": "Jane Doe <jane@acme.com>",
    "AuthorDate": "Mon Mar 4 01:30:00 2024 +0200",
    "Commit": "Jane Doe <jane@acme.com>",
    "CommitDate": "Mon Mar 4 01:30:00 2024 +0200",
    "message": "Add readme",
    "files": [{"file": "README.md", "added": "3", "removed": "0"}],
}


BAD = [
    (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe garbage", "not UTF-8"),
    (_item("Git", "commit", GOOD_COMMIT, "/r").encode()[:-20], "line 2: not JSON"),
    (b"[1, 2]", "not a Perceval item"),
    (b"", "no Perceval items"),
    (_item("Jira", "issue", {}, "x").encode(), "is not a Perceval git commit"),
    (_item("Git", "commit", {**GOOD_COMMIT, "commit": "zz"}, "/r").encode(), "not a commit id"),
    (
        _item("Git", "commit", {**GOOD_COMMIT, "AuthorDate": "yesterday"}, "/r").encode(),
        "item 2",
    ),
    (_item("GitHub", "issue", {**ISSUE, "number": "7"}, ORIGIN).encode(), "`number`"),
]


def test_malformed_files_are_reported_and_nothing_is_half_imported(engine, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(_item("Git", "commit", GOOD_COMMIT, "/srv/git/good") + "\n")
    bad = []
    for index, (content, _reason) in enumerate(BAD):
        # A good first item, then the bad content: the file is refused whole.
        path = tmp_path / f"bad{index}.jsonl"
        first = _item("Git", "commit", {**GOOD_COMMIT, "commit": "b" * 40}, "/srv/bad")
        path.write_bytes(first.encode() + b"\n" + content if content else b"  \n")
        bad.append(path)
    results = import_perceval_files(engine, [*bad, good], BOTS)
    assert [r.status for r in results] == ["failed"] * len(BAD) + ["ok"]
    for path, (_content, reason), result in zip(bad, BAD, results, strict=False):
        assert str(path) in result.error and reason in result.error, result.error
    with Session(engine) as session:
        assert session.scalars(select(Commit.sha)).all() == ["a" * 40]
        assert session.scalars(select(Repository.full_name)).all() == ["good"]


def test_parse_errors_name_the_item_and_origins_name_the_repository():
    with pytest.raises(PercevalFormatError, match=r"src: item 2: commit aaaaaaaaaaaa: `Author`"):
        parse_perceval(
            _item("Git", "commit", GOOD_COMMIT, "/r")
            + "\n"
            + _item("Git", "commit", {**GOOD_COMMIT, "Author": None}, "/r"),
            "src",
        )
    assert repository_name("https://github.com/acme/widgets.git") == "acme/widgets"
    assert repository_name("file:///srv/git/widgets/") == "widgets"
    assert repository_name("/srv/git/widgets") == "widgets"


def test_cli_import_perceval(tmp_path, capsys, monkeypatch):
    from ospo_metrics.cli import main

    good = tmp_path / "good.jsonl"
    good.write_text(_item("Git", "commit", GOOD_COMMIT, "https://gitlab.example/acme/tool.git"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{ truncated")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    code = main(["import", "perceval", str(good), str(bad)])
    out = capsys.readouterr()
    assert code != 0
    assert "bad.jsonl: line 1: not JSON" in out.err and "Traceback" not in out.err
    assert "good.jsonl" in out.out
