"""Organization repositories mirrored over smart HTTP from the fake GitHub and mined (issue 6 §1).

Real git repositories, served by `git http-backend` on 127.0.0.1 with authentication, a real
`ospo-metrics collect`, and the real databases (SQLite and PostgreSQL).
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from github_fake import FakeGitHub
from github_fake.model import GitHubModel
from gitrepo import GitRepo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import kpis
from ospo_metrics.cli import main
from ospo_metrics.cli.common import frames_for
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import open_context
from ospo_metrics.models import CollectionRun, Commit, FileCheck, Repository

TOKEN = "ghp_mirrortoken0123456789abcdefghijklmnop"
ALICE = ("Alice", "alice@acme.example")
BOB = ("Bob", "bob@initech.example")
CAROL = ("Carol", "carol@gmail.com")
DAVE = ("Dave", "dave@globex.example")


def _history(path: Path, authors: list[tuple[str, str]], day: int = 2) -> GitRepo:
    repo = GitRepo.init(path)
    for n, author in enumerate(authors):
        repo.commit(
            f"change {n}",
            {f"f{n}.txt": f"{n}\n" * (n + 1)},
            author=author,
            date=f"2026-03-{day + n:02d}T10:00:00+00:00",
        )
    return repo


def organization(tmp_path: Path) -> GitHubModel:
    """acme: widget (Alice 3, Bob 2, Carol 1) and gadget (Alice 1, Dave 2)."""
    model = GitHubModel()
    model.add_org("acme")
    alice = model.add_user("alice", email=ALICE[1])
    model.add_member("acme", alice, role="admin")
    widget = _history(tmp_path / "src" / "widget", [ALICE, BOB, ALICE, CAROL, BOB, ALICE])
    gadget = _history(tmp_path / "src" / "gadget", [DAVE, ALICE, DAVE])
    model.add_repo("acme", "widget", git_dir=widget.path / ".git", size=50)
    model.add_repo("acme", "gadget", git_dir=gadget.path / ".git", size=70, visibility="private")
    return model


def write_config(tmp_path: Path, url: str, extra: str = "") -> Path:
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {url}\n"
        "organizations: [acme]\n"
        "upstream:\n  track: none\n"
        "affiliation:\n  organization: Acme\n  email_domains: [acme.example]\n"
        "  domain_organizations: {initech.example: Initech, globex.example: Globex}\n"
        f"data_dir: {tmp_path / 'data'}\n" + extra
    )
    return config


def _serve(tmp_path, monkeypatch, url):
    server = FakeGitHub(organization(tmp_path), tokens=(TOKEN,))
    server.git_auth_required = True
    server.start()
    config = write_config(tmp_path, server.url)
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    # Today's KPI snapshot after each collect is another feature's (tests/test_snapshots...):
    # these tests collect many times and look at what was collected, not at snapshots.
    monkeypatch.setattr("ospo_metrics.cli.collect._snapshot", lambda context: None)
    return server, config


@pytest.fixture
def setup(tmp_path, monkeypatch, db_url, github_schema):
    """(server, config path): the fake GitHub serving acme, git behind authentication; on
    SQLite and PostgreSQL (what the database does: history, renames, resuming)."""
    server, config = _serve(tmp_path, monkeypatch, db_url)
    yield server, config
    server.stop()


@pytest.fixture
def setup_sqlite(tmp_path, monkeypatch, github_schema):
    """The same on SQLite only, for what does not depend on the database (settings, secrets)."""
    server, config = _serve(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'ospo.db'}")
    yield server, config
    server.stop()


def collect(capsys, *args: str) -> tuple[int, str]:
    status = main(["collect", *args, "--no-progress", "--no-warm"])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def commits_by_repo() -> dict[str, int]:
    context = open_context()
    with Session(context.engine) as session:
        rows = session.execute(
            select(Repository.full_name, func.count(Commit.id))
            .join(Commit, Commit.repository_id == Repository.id)
            .group_by(Repository.full_name)
        ).all()
    context.engine.dispose()
    return dict(rows)


def month_value(kpi_id: str) -> float | None:
    context = open_context()
    frames = frames_for(context, "all")
    series = kpis.series(kpi_id, frames, "month")
    context.engine.dispose()
    row = series[pd.to_datetime(series["period_start"]).dt.strftime("%Y-%m") == "2026-03"]
    return None if row.empty else row["value"].iloc[0]


def test_organizations_alone_fill_commits_and_people_kpis(setup, capsys):
    server, _ = setup
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}
    assert month_value("commits") == 9
    assert month_value("committers") == 4
    assert month_value("active_contributors") == 4
    # Acme 4 of 9 commits; Initech 2, Globex 2, Carol's gmail address 1 (no organization).
    assert month_value("employee_commit_share") == pytest.approx(100 * 4 / 9, abs=0.1)
    assert month_value("elephant_factor") == 1  # Acme alone: 4 of the 8 with an organization
    assert month_value("contributor_absence_factor") == 2  # Alice 4 + Bob 2 of 9
    # The files collector read the mirrors too (the first commit of each adds f0.txt only).
    context = open_context()
    with Session(context.engine) as session:
        checked = session.scalars(
            select(Repository.full_name).join(FileCheck, FileCheck.repository_id == Repository.id)
        ).all()
    context.engine.dispose()
    assert set(checked) == {"acme/widget", "acme/gadget"}
    # git asked with the token as an HTTP header, and the server checked it.
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert {r.authorization for r in server.git_requests} == {f"Basic {basic}"}


def test_a_second_run_fetches_nothing_new_and_writes_nothing(setup, capsys):
    server, _ = setup
    assert collect(capsys)[0] == 0
    server.git_requests.clear()
    status, out = collect(capsys, "git")
    assert status == 0, out
    packs = [r for r in server.git_requests if r.path.endswith("git-upload-pack")]
    assert all(r.bytes_sent < 200 for r in packs), "an unchanged mirror downloads no pack"
    lines = [line for line in out.splitlines() if line.startswith("git ")]
    assert len(lines) == 2 and all(" unchanged " in line for line in lines), out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}


def test_new_commits_are_fetched_and_mined(setup_sqlite, capsys, tmp_path):
    assert collect(capsys)[0] == 0
    GitRepo(tmp_path / "src" / "widget").commit(
        "more", {"new.txt": "x\n"}, author=CAROL, date="2026-03-20T10:00:00+00:00"
    )
    assert collect(capsys, "git")[0] == 0
    assert commits_by_repo()["acme/widget"] == 7


def test_the_token_is_never_on_disk_in_argv_or_in_errors(
    setup_sqlite, capsys, monkeypatch, tmp_path
):
    server, _ = setup_sqlite
    argv: list[str] = []
    real = subprocess.Popen

    class Recording(real):  # every process started, with its command line
        def __init__(self, args, *rest, **kw):
            argv.extend(map(str, args))
            super().__init__(args, *rest, **kw)

    monkeypatch.setattr(subprocess, "Popen", Recording)
    assert collect(capsys)[0] == 0
    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    assert any("upload-pack" in a or "fetch" in a for a in argv)
    assert not [a for a in argv if TOKEN in a or basic in a]
    mirrors = tmp_path / "data" / "clones"
    files = [p for p in mirrors.rglob("*") if p.is_file()]
    assert files and not [p for p in files if TOKEN.encode() in p.read_bytes()]
    assert not [p for p in files if basic.encode() in p.read_bytes()]
    for config in mirrors.rglob("config"):
        assert "extraheader" not in config.read_text().lower()

    # A refused credential: a clear error per repository, without the token.
    server.valid_tokens = {"ghp_another"}
    status, out = collect(capsys, "git")
    assert status != 0
    assert "read access to the repository's contents" in out
    assert TOKEN not in out and basic not in out
    context = open_context()
    with Session(context.engine) as session:
        errors = session.scalars(
            select(CollectionRun.error).where(CollectionRun.status == "failed")
        ).all()
    context.engine.dispose()
    assert len(errors) == 2 and all("$GITHUB_TOKEN" in e for e in errors)
    assert not [e for e in errors if TOKEN in e or basic in e]


def mirrors_on_disk(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "data" / "clones").glob("*/*.git"))


def test_a_renamed_repository_keeps_one_row_one_mirror_one_history(setup, capsys, tmp_path):
    server, _ = setup
    assert collect(capsys)[0] == 0
    before = mirrors_on_disk(tmp_path)
    server.model.rename_repo("acme/widget", "widget-ng")
    GitRepo(tmp_path / "src" / "widget").commit(
        "after the rename", {"n.txt": "x\n"}, author=BOB, date="2026-03-21T10:00:00+00:00"
    )
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {"acme/widget-ng": 7, "acme/gadget": 3}
    assert mirrors_on_disk(tmp_path) == before
    assert f"{server.url}/acme/widget-ng.git" in {_remote(p) for p in before}
    context = open_context()
    with Session(context.engine) as session:
        names = session.scalars(select(Repository.full_name)).all()
        targets = set(session.scalars(select(CollectionRun.target)).all())
    context.engine.dispose()
    assert sorted(names) == ["acme/gadget", "acme/widget-ng"]
    assert "acme/widget" not in targets  # the runs (and their cursors) followed the rename


def _remote(mirror: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(mirror), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_deleted_repository_keeps_its_history_and_is_marked(setup, capsys, tmp_path):
    server, _ = setup
    assert collect(capsys)[0] == 0
    server.model.delete_repo("acme/gadget")
    server.git_requests.clear()
    status, out = collect(capsys)
    assert status == 0, out
    assert "kept (gone from GitHub) 1" in out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}
    assert len(mirrors_on_disk(tmp_path)) == 2
    assert not [r for r in server.git_requests if "gadget" in r.path]
    context = open_context()
    with Session(context.engine) as session:
        reason = session.scalar(
            select(Repository.unavailable_reason).where(Repository.full_name == "acme/gadget")
        )
    context.engine.dispose()
    assert reason and "no longer listed" in reason


@pytest.mark.parametrize(
    ("settings", "mirrored", "left_out"),
    [
        ("", {"acme/widget", "acme/gadget", "acme/old"}, "forks 1"),
        ("  include_forks: true\n", {"acme/widget", "acme/gadget", "acme/old", "acme/copy"}, ""),
        ("  include_archived: false\n", {"acme/widget", "acme/gadget"}, "archived 1"),
        ("  max_size_kb: 60\n", {"acme/widget", "acme/old"}, "too large 1"),
    ],
)
def test_forks_archived_and_size_follow_the_settings(
    setup_sqlite, capsys, tmp_path, settings, mirrored, left_out
):
    server, config = setup_sqlite
    old = _history(tmp_path / "src" / "old", [CAROL])
    copy = _history(tmp_path / "src" / "copy", [DAVE])
    server.model.add_repo("acme", "old", git_dir=old.path / ".git", archived=True, size=1)
    server.model.add_repo("acme", "copy", git_dir=copy.path / ".git", fork=True, size=1)
    config.write_text(config.read_text() + "mirrors:\n" + (settings or "  parallel: 2\n"))
    status, out = collect(capsys)
    assert status == 0, out
    assert set(commits_by_repo()) == mirrored
    assert len(mirrors_on_disk(tmp_path)) == len(mirrored)
    assert left_out in out


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("mirrors:\n  parallel: 0\n", "mirrors.parallel"),
        ("mirrors:\n  max_size_kb: -5\n", "mirrors.max_size_kb"),
        ("mirrors:\n  include_forks: maybe\n", "mirrors.include_forks"),
    ],
)
def test_bad_mirror_settings_are_clear_errors(tmp_path, capsys, settings, message):
    config = write_config(tmp_path, "https://api.github.com", settings)
    assert main(["check-config", "--config", str(config)]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_interrupted_run_converges_to_an_uninterrupted_one(setup, capsys, monkeypatch, tmp_path):
    import ospo_metrics.collect.mirrors as runner

    real = runner.collect_git
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args[1].name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "collect_git", interrupted)
    status, _ = collect(capsys)
    assert status == 130
    assert sum(commits_by_repo().values()) < 9
    # and a clone killed half way: no mirror, a partial folder in its place
    mirror = mirrors_on_disk(tmp_path)[0]
    shutil.rmtree(mirror)
    mirror.with_suffix(".partial").mkdir()
    (mirror.with_suffix(".partial") / "junk").write_text("x")
    monkeypatch.setattr(runner, "collect_git", real)
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}


def test_enterprise_server_clone_urls_work(setup_sqlite, capsys, monkeypatch):
    server, config = setup_sqlite
    config.write_text(config.read_text().replace(server.url, server.enterprise_url))
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}
    assert {r.repo for r in server.git_requests} == {"acme/widget", "acme/gadget"}


def test_a_clone_url_is_derived_from_the_base_url_when_the_api_gave_none(tmp_path):
    from ospo_metrics.collect.mirrors import clone_url
    from ospo_metrics.context import Context

    for base, expected in [
        ("https://api.github.com", "https://github.com/acme/x.git"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/acme/x.git"),
    ]:
        config = config_from_mapping({"github": {"base_url": base}})
        context = Context(config=config, engine=None, database_url="")
        assert clone_url(context, "acme/x", None) == expected
        assert (
            clone_url(context, "acme/x", "https://other/acme/x.git") == "https://other/acme/x.git"
        )


def test_a_stale_listing_and_an_unreachable_server_are_clear_per_repository(setup_sqlite, capsys):
    server, _ = setup_sqlite
    assert collect(capsys)[0] == 0
    server.model.rename_repo("acme/gadget", "gadget-2")  # `collect git` alone: no new listing
    status, out = collect(capsys, "git")
    assert status == 1
    assert "acme/gadget: " in out and "collect github` lists the organization again" in out
    assert re.search(r"git +acme/widget +unchanged", out)  # the others go on
    server.stop()
    status, out = collect(capsys, "git")
    assert status == 1
    assert "could not reach 127.0.0.1" in out and out.count("error: git ") == 2


def test_a_github_app_installation_token_reaches_git(setup_sqlite, capsys, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    server, config = setup_sqlite
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "app.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server.valid_tokens = set()  # only installation tokens are good
    config.write_text(
        config.read_text().replace(
            "github:\n",
            f"github:\n  app:\n    id: 1\n    installation_id: {server.installation_id}\n"
            f"    private_key_file: {key_file}\n",
        )
    )
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {"acme/widget": 6, "acme/gadget": 3}
    tokens = set(server.app_tokens)
    assert tokens and not [
        p
        for p in (tmp_path / "data").rglob("*")
        if p.is_file() and any(t.encode() in p.read_bytes() for t in tokens)
    ]


def test_every_page_renders_from_organizations_alone_and_sources_show_what_to_change(
    setup_sqlite, capsys
):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    server, _ = setup_sqlite
    assert collect(capsys)[0] == 0
    app = str(Path(__file__).resolve().parents[1] / "app.py")
    pages = [p.split('"')[1] for p in Path(app).read_text().split("st.Page(")[1:]]
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(app, default_timeout=60).run()
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    metrics = {m.label: m.value for m in at.metric}  # the last page: Data sources
    assert metrics["Repositories"] == "2" and metrics["Sources failing"] == "0"

    server.valid_tokens = {"ghp_another"}
    assert collect(capsys, "git")[0] == 1
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(app, default_timeout=60).run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Sources failing"] == "2"
    details = " ".join(code.value for code in at.code)
    assert "read access to the repository's contents" in details and TOKEN not in details
    st.cache_data.clear()
    st.cache_resource.clear()


def test_mirrors_can_be_turned_off(setup_sqlite, capsys, tmp_path):
    _, config = setup_sqlite
    config.write_text(config.read_text() + "mirrors:\n  enabled: false\n")
    status, out = collect(capsys)
    assert status == 0, out
    assert commits_by_repo() == {}
    assert not mirrors_on_disk(tmp_path)


def test_at_most_parallel_repositories_are_mirrored_at_once(tmp_path):
    import threading
    import time

    from collectors.mirrors import MirrorTarget, mirror_all

    sources = [_history(tmp_path / f"r{n}", [ALICE]) for n in range(5)]
    targets = [
        MirrorTarget(f"acme/r{n}", n + 1, str(repo.path), default_branch="main")
        for n, repo in enumerate(sources)
    ]
    lock, running, peak = threading.Lock(), [0], [0]

    def token() -> None:  # called as each mirror starts; holds its slot a moment
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1

    outcomes = list(mirror_all(targets, tmp_path / "mirrors", token, parallel=2))
    assert [o.error for o in outcomes] == [None] * 5
    assert peak[0] == 2
    assert all(o.cloned and (o.path / "HEAD").is_file() for o in outcomes)


def test_a_port_in_git_s_message_is_no_http_status() -> None:
    from collectors.mirrors import MirrorTarget, explain

    target = MirrorTarget("acme/widget", 1, "http://127.0.0.1:40469/acme/widget.git")
    refused = (
        "unable to access 'http://127.0.0.1:40469/acme/widget.git/': Failed to connect to "
        "127.0.0.1 port 40469 after 0 ms: Couldn't connect to server"
    )
    assert "could not reach 127.0.0.1:40469" in explain(refused, target, "the token")
    gone = "unable to access '...': The requested URL returned error: 404"
    assert "was not found" in explain(gone, target, "the token")
    denied = "unable to access '...': The requested URL returned error: 403"
    assert "GitHub refused the token" in explain(denied, target, "the token")
