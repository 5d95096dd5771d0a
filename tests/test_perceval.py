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
    """Two authors (one through .mailmap), a binary file, trailers in and out of the trailer
    block, a subject over two lines, a merge, a rename, and a copy (the one known difference)."""
    repo = GitRepo.init(path)
    repo.commit(
        "Add readme\nand the mailmap\n\nSigned-off-by: Jane Doe <jane@acme.com>\n\nnot a trailer",
        {"README.md": "a\nb\nc\n", ".mailmap": "Jane Doe <jane@acme.com> <jd@old.example>\n"},
        author=("J. Doe", "jd@old.example"),
        date="2024-03-04T01:30:00+02:00",
    )
    repo.branch("feature")
    repo.commit(
        "Feature\n\nSigned-off-by: Ömar Saïd <omar@globex.com>\n"
        "Co-Authored-By: Jane Doe <jane@acme.com>\nCo-authored-by: someone without e-mail",
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
    repo.commit("Copy", {"README.txt": "a\nc\nd\ne\nf\n", "COPY.txt": "a\nc\nd\ne\n"}, author=OMAR)
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
    assert len(out.read_text().splitlines()) == 6

    collected = open_database(f"sqlite:///{tmp_path / 'git.db'}")
    source = GitSource(name="widgets", path=repo.path, refs=())
    assert collect_git(collected, source, bots=BOTS, cache_dir=tmp_path / "cache").status == "ok"

    [result] = import_perceval_files(engine, [out], BOTS)
    assert (result.status, result.items_seen, result.items_written) == ("ok", 6, 6)
    assert result.details == {"copies": 1}
    imported, expected = commit_rows(engine), commit_rows(collected)
    assert imported.keys() == expected.keys() and len(imported) == 6
    by_subject = {row[12]: row for row in imported.values()}
    copy = by_subject["Copy"][0]
    assert {sha: row for sha, row in imported.items() if sha != copy} == {
        sha: row for sha, row in expected.items() if sha != copy
    }
    # The documented difference: Perceval's `git log -C` sees COPY.txt as a copy of
    # README.txt (changed in the same commit), so its 4 lines are not counted as added.
    assert expected[copy][5] == 5 and imported[copy][5] == 1
    assert imported[copy][:5] + imported[copy][6:] == expected[copy][:5] + expected[copy][6:]
    assert people(engine) == people(collected)
    with Session(engine) as session:
        assert session.scalars(select(Repository.full_name)).all() == ["widgets"]
    # Hand-checked: the feature commit adds 2 lines in 2 files, one of them binary; the merge
    # counts nothing; the sign-off is the author's own; the co-author without an e-mail is
    # no one, and `Co-Authored-By` is read whatever its case. The first commit's subject is
    # its first paragraph; its Signed-off-by is not in the last paragraph, so not a sign-off;
    # its author is Jane through .mailmap.
    assert by_subject["Feature"][5:12] == (2, 0, 2, 1, False, True, "jane@acme.com")
    assert by_subject["Merge feature"][5:9] == (0, 0, 0, 0)
    assert by_subject["Edit readme"][4:7] == (330, 2, 1)
    first = by_subject["Add readme and the mailmap"]
    assert (first[2], first[3], first[10]) == ("Jane Doe", "jane@acme.com", False)

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
        "line 2",
    ),
    (
        _item("Git", "commit", {**GOOD_COMMIT, "commit": "c" * 40}, "/r")
        .replace('"uuid"', '"id"')
        .encode(),
        "line 2: no `uuid`",
    ),
    (b'\n\n{"backend_name": "Git", "category": "commit", "origin": "/r"}', "line 4: no `data`"),
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
    with pytest.raises(PercevalFormatError, match=r"src: line 2: commit aaaaaaaaaaaa: `Author`"):
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
    assert code == 1
    assert "bad.jsonl: line 1: not JSON" in out.err and "Traceback" not in out.err
    assert "good.jsonl" in out.out
    assert main(["import", "perceval", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["import", "perceval", str(good)]) == 0  # again: nothing new, not an error


FIXTURES = Path(__file__).parent / "fixtures" / "perceval"


def test_real_shaped_perceval_github_files_row_by_row(engine):
    """Items shaped as `perceval github --category issue|pull_request --json-line` writes them
    (envelope, `user_data`, `comments_data` with reactions, `reviews_data`, ...)."""
    files = [FIXTURES / "github-issues.jsonl", FIXTURES / "github-pulls.jsonl"]
    results = import_perceval_files(engine, files, BOTS)
    assert [(r.status, r.items_seen) for r in results] == [("ok", 3), ("ok", 1)]
    stamp = lambda moment: moment and _utc(moment).strftime("%m-%d %H:%M")  # noqa: E731
    with Session(engine) as session:
        assert session.scalars(select(Repository.full_name)).all() == ["acme/widgets"]
        rows = [
            (i.number, i.is_pull_request, i.title, i.author_login, i.state, i.labels,
             stamp(i.created_at), stamp(i.closed_at), stamp(i.merged_at),
             stamp(i.first_response_at))
            for i in session.scalars(select(Issue).order_by(Issue.number))
        ]  # fmt: skip
        comments = sorted(
            (c.kind, c.source_id, c.author_login, stamp(c.created_at), c.review_state)
            for c in session.scalars(select(Comment))
        )
    # By hand: #7's first response is Omar's comment (the bot's does not count); #8's is
    # Jane's review comment at 13:10, before her review and her comment; #9 has none.
    assert rows == [
        (7, False, "Crash on start", "jane", "closed", ["bug"], "03-01 10:00", "03-03 10:00",
         None, "03-02 09:30"),
        (8, True, "Fix crash on start", "omar", "merged", [], "03-02 12:00", "03-04 08:00",
         "03-04 08:00", "03-02 13:10"),
        (9, False, "Docs typo", "jane", "open", [], "03-05 10:00", None, None, None),
    ]  # fmt: skip
    # The pending review (no submission time) is not stored.
    assert comments == [
        ("comment", 301, "ci-helper[bot]", "03-01 10:01", None),
        ("comment", 302, "omar", "03-02 09:30", None),
        ("comment", 303, "jane", "03-03 16:00", None),
        ("review", 501, "jane", "03-02 13:10", "COMMENTED"),
        ("review", 502, "jane", "03-03 09:00", "APPROVED"),
        ("review_comment", 401, "jane", "03-02 13:10", None),
    ]
    import_perceval_files(engine, files, BOTS)
    with Session(engine) as session:
        assert len(session.scalars(select(Comment)).all()) == 6
        assert len(session.scalars(select(Issue)).all()) == 3


MESSAGES = [
    "Subject only: Signed-off-by: A <a@x.org>",
    "Subject\n\nSigned-off-by: A <a@x.org>\nCo-Authored-By: B <b@x.org>",
    "Subject\n\nSigned-off-by: A <a@x.org>\n\nlast paragraph, no trailer",
    "Subject\n\nbody line one\nbody line two\nbody three\nSigned-off-by: A <a@x.org>",
    "Subject\n\nbody 1\nbody 2\nbody 3\nbody 4\nSigned-off-by: A <a@x.org>",
    "Subject\n\nFixes: #1\nnot a trailer",
    "Subject\n\nCo-authored-by: B\n  <b@x.org>\nAcked-by: C <c@x.org>",
    "Subject\n\nKey with space: v\nSigned-off-by: A <a@x.org>",
]


@pytest.mark.parametrize("message", MESSAGES)
def test_trailer_block_is_found_as_git_finds_it(message, tmp_path):
    from collectors.perceval import trailers

    done = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    expected = [
        tuple(part.strip() for part in line.split(":", 1)) for line in done.stdout.splitlines()
    ]
    assert trailers(message) == expected
