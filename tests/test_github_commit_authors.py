"""Commit author e-mails linked to the login GitHub reports as the commit's author (issue 6 §2).

A real `ospo-metrics collect` against the fake GitHub on 127.0.0.1: the organization's
repository is mirrored over smart HTTP and mined, then GitHub's GraphQL `object(oid:)` says
which account each author e-mail belongs to, and people KPIs count the person once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from github_fake import FakeGitHub
from github_fake.model import GitHubModel
from gitrepo import GitRepo
from sqlalchemy import select
from sqlalchemy.orm import Session

import kpis
from collectors.git import GitSource
from collectors.github.commit_authors import CommitRef, commit_authors_query
from ospo_metrics.cli import main
from ospo_metrics.cli.common import frames_for
from ospo_metrics.collect_git import collect_git
from ospo_metrics.context import open_context
from ospo_metrics.models import IdentityLink

TOKEN = "ghp_authorstoken0123456789abcdefghijklmno"
JANE_WORK = ("Jane Doe", "jane@acme.example")
JANE_HOME = ("Jane Doe", "Jane.Doe@gmail.com")  # GitHub: jdoe's address (any case)
OMAR = ("Omar", "omar@globex.example")  # no GitHub account has it
LI = ("Li Wei", "li@initech.example")  # GitHub: li-w's address


def _history(path: Path, authors: list[tuple[str, str]]) -> GitRepo:
    repo = GitRepo.init(path)
    for n, author in enumerate(authors):
        repo.commit(
            f"change {n}",
            {f"f{n}.txt": f"{n}\n"},
            author=author,
            date=f"2026-03-{2 + n:02d}T10:00:00+00:00",
        )
    return repo


def organization(tmp_path: Path) -> GitHubModel:
    """acme/widget: commits by Jane (two addresses), Omar and Li; jdoe (Jane on GitHub) opens
    an issue, li-w (Li) a pull request, carol (no commits) an issue, all in March 2026."""
    model = GitHubModel()
    model.add_org("acme")
    jdoe = model.add_user("jdoe", commit_emails=["jane.doe@gmail.com"])
    li = model.add_user("li-w", commit_emails=[LI[1]])
    carol = model.add_user("carol")
    model.add_member("acme", jdoe, role="admin")
    widget = _history(tmp_path / "src" / "widget", [JANE_WORK, JANE_HOME, OMAR, LI, JANE_WORK])
    model.add_repo("acme", "widget", git_dir=widget.path / ".git")
    march = pd.Timestamp("2026-03-10T12:00:00Z").to_pydatetime()
    model.add_issue("acme/widget", "a bug", jdoe, at=march)
    model.add_issue("acme/widget", "a wish", carol, at=march)
    model.add_pull("acme/widget", "a fix", li, at=march)
    return model


def _serve(tmp_path, monkeypatch, url):
    server = FakeGitHub(organization(tmp_path), tokens=(TOKEN,))
    server.start()
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {server.url}\n"
        "organizations: [acme]\n"
        "upstream:\n  track: none\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.example]\n"
        f"  people:\n    - {{emails: [{JANE_WORK[1]}, {JANE_HOME[1].lower()}]}}\n"
        f"data_dir: {tmp_path / 'data'}\n"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("ospo_metrics.cli.collect._snapshot", lambda context: None)
    return server


@pytest.fixture
def server(tmp_path, monkeypatch, db_url, github_schema):
    server = _serve(tmp_path, monkeypatch, db_url)
    yield server
    server.stop()


@pytest.fixture
def server_sqlite(tmp_path, monkeypatch, github_schema):
    server = _serve(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'ospo.db'}")
    yield server
    server.stop()


def collect(capsys, *args: str) -> str:
    status = main(["collect", *args, "--no-progress", "--no-warm"])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err
    return captured.out + captured.err


def asked(server: FakeGitHub) -> list[int]:
    """The commits each CommitAuthors query asked about (one number per query)."""
    queries = [r.graphql_query or "" for r in server.requests if r.graphql_query]
    return [q.count("object(oid:") for q in queries if "CommitAuthors" in q]


def march(kpi_id: str) -> float:
    context = open_context()
    series = kpis.series(kpi_id, frames_for(context, "all"), "month")
    context.engine.dispose()
    return series[pd.to_datetime(series["period_start"]).dt.strftime("%Y-%m") == "2026-03"][
        "value"
    ].iloc[0]


def links() -> dict[str, str | None]:
    context = open_context()
    with Session(context.engine) as session:
        rows = session.execute(
            select(IdentityLink.key, IdentityLink.other_key).where(
                IdentityLink.source == "github_commit"
            )
        ).all()
    context.engine.dispose()
    return dict(rows)


def test_an_address_github_attributes_to_a_login_makes_one_person(server, capsys):
    """Hand-computed, March 2026: Jane (jane@acme.example and jane.doe@gmail.com, one person
    by the configuration), Omar, Li, and on GitHub jdoe, carol and li-w. GitHub attributes
    jane.doe@gmail.com to jdoe and li@initech.example to li-w: Jane-jdoe, Omar, Li-li-w and
    carol are 4 active contributors (7 identities, 6 without the links)."""
    out = collect(capsys)
    assert asked(server) == [4]  # four addresses, one commit each, one query
    assert not server.invalid_graphql
    assert links() == {
        "email:jane.doe@gmail.com": "github:jdoe",
        "email:jane@acme.example": None,
        "email:omar@globex.example": None,
        "email:li@initech.example": "github:li-w",
    }
    assert "commit-authors" in out and "logins_linked 2" in out
    assert march("active_contributors") == 4
    assert march("committers") == 3
    # Jane's 3 of the 5 commits (her gmail address is Acme's too, by the configuration)
    assert march("employee_commit_share") == pytest.approx(100 * 3 / 5, abs=0.1)


def test_a_rerun_with_nothing_new_sends_no_query(server_sqlite, capsys):
    collect(capsys)
    server_sqlite.clear_log()
    out = collect(capsys)
    assert asked(server_sqlite) == []
    assert "commit-authors" not in out
    assert march("active_contributors") == 4


def test_an_address_with_no_account_is_not_asked_again(server_sqlite, capsys, tmp_path):
    collect(capsys)
    repo = GitRepo(tmp_path / "src" / "widget")
    for n, author in enumerate([OMAR, ("Zoe", "zoe@example.org")]):
        repo.commit(
            f"more {n}", {f"m{n}.txt": "x\n"}, author=author, date=f"2026-03-2{n}T10:00:00+00:00"
        )
    server_sqlite.clear_log()
    collect(capsys)
    assert asked(server_sqlite) == [1]  # Zoe; Omar's address was answered "no account"
    assert links()["email:zoe@example.org"] is None


def test_a_split_or_a_rejected_link_stays(server_sqlite, capsys, monkeypatch):
    with monkeypatch.context() as patch:  # mine first, link later: a reject needs both
        patch.setattr("ospo_metrics.collect_github.collect_commit_authors", lambda *a, **k: [])
        collect(capsys)
    assert march("active_contributors") == 6
    assert main(["people", "reject", LI[1], "@li-w"]) == 0
    collect(capsys, "github")
    assert links()["email:li@initech.example"] == "github:li-w"
    assert march("active_contributors") == 5  # Jane-jdoe joined, Li and li-w stay apart
    assert main(["people", "split", "@jdoe", "github:jdoe"]) == 0
    assert march("active_contributors") == 6
    server_sqlite.clear_log()
    collect(capsys)
    assert asked(server_sqlite) == []
    assert march("active_contributors") == 6  # collecting again undoes neither "no"


def test_a_commit_github_does_not_have_is_skipped_and_remembered(server_sqlite, capsys, tmp_path):
    """The database holds a commit GitHub lost (force-pushed away): its address is skipped
    without error, and not asked about again with the same commit."""
    collect(capsys, "github")  # the repository row; no commits yet: nothing to ask
    assert asked(server_sqlite) == []
    clone = tmp_path / "lost"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "src" / "widget"), str(clone)], check=True)
    GitRepo(clone).commit(
        "lost",
        {"lost.txt": "x\n"},
        author=("Ghost", "ghost@acme.example"),
        date="2026-03-25T10:00:00+00:00",
    )
    context = open_context()
    collect_git(
        context.engine,
        GitSource(name="acme/widget", path=clone),
        bots=context.bots,
        cache_dir=tmp_path / "c",
        platform="github",
    )
    context.engine.dispose()
    out = collect(capsys, "github")
    assert asked(server_sqlite) == [5]
    assert "commits_not_on_github 1" in out
    assert "email:ghost@acme.example" not in links()
    server_sqlite.clear_log()
    collect(capsys, "github")
    assert asked(server_sqlite) == []


def test_the_query_asks_each_commit_under_its_repository() -> None:
    sha = "a" * 40
    query, variables = commit_authors_query(
        [CommitRef("acme/one", sha, "x@a"), CommitRef("acme/two", "b" * 40, "y@a")]
    )
    assert variables == {"o0": "acme", "n0": "one", "o1": "acme", "n1": "two"}
    assert f'c0: object(oid: "{sha}")' in query and "r1: repository" in query
    with pytest.raises(ValueError, match="not a git object id"):
        commit_authors_query([CommitRef("acme/one", 'x") { a }', "x@a")])
