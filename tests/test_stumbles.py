"""Stumbles a new user hit (issue 6 §5): each one a clear message or a quiet default now."""

from __future__ import annotations

import subprocess
import tomllib
import uuid
from pathlib import Path

import pandas as pd
import pytest
from gitrepo import GitRepo
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ospo_metrics.cli import main
from ospo_metrics.config import config_from_mapping

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, monkeypatch):
    repo = GitRepo.init(tmp_path / "widgets")
    repo.commit("one", {"f": "1\n"}, date="2026-03-02T12:00:00Z")
    config = tmp_path / "ospo.yml"
    config.write_text(f"repositories:\n  - path: {repo.path}\n    name: acme/widgets\n")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr("ospo_metrics.cli.collect._snapshot", lambda context: None)
    return tmp_path


def test_collect_repo_with_an_unknown_name_says_so_and_suggests(project, capsys):
    assert main(["collect", "--repo", "acme/widget", "--no-progress", "--no-warm"]) == 2
    err = capsys.readouterr().err
    assert "no such repository" in err and "did you mean acme/widgets?" in err
    assert main(["collect", "--repo", "acme/widgets", "--no-progress", "--no-warm"]) == 0


def test_kpis_scope_with_an_unknown_repository_says_so_and_suggests(project, capsys):
    assert main(["collect", "--no-progress", "--no-warm"]) == 0
    capsys.readouterr()
    assert main(["kpis", "--scope", "repo:acme/widget"]) == 2
    err = capsys.readouterr().err
    assert "no collected repository matches" in err and "acme/widgets" in err
    assert main(["kpis", "--scope", "org:acmee"]) == 2
    assert "did you mean acme?" in capsys.readouterr().err
    assert main(["export", "commits", "--scope", "repo:nope/nope"]) == 2
    assert main(["kpis", "--scope", "repo:acme/widgets"]) == 0


def test_config_is_accepted_after_the_subcommand(project, capsys, monkeypatch):
    config = project / "ospo.yml"
    monkeypatch.delenv("OSPO_CONFIG")
    assert main(["check-config", "--config", str(config)]) == 0
    assert main(["--config", str(config), "check-config"]) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organizations: acme\n", "expected a list: write [acme]"),
        (
            "affiliation:\n  organization: Acme\n email_domains: [acme.com]\n",
            "check the indentation",
        ),
        ("affiliation:\n  organization: Acme\n\temail_domains: [acme.com]\n", "tabs"),
        ("repositories:\n  - path: ./not-there\n", "does not exist"),
        ("repositories:\n  - path: .\n", "is not a git repository"),
    ],
)
def test_check_config_explains_common_mistakes(tmp_path, capsys, text, expected):
    config = tmp_path / "ospo.yml"
    config.write_text(text)
    assert main(["check-config", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_a_token_given_as_a_list_is_not_echoed(tmp_path, capsys):
    config = tmp_path / "ospo.yml"
    config.write_text("organizations: ghp_abcdefghijklmnopqrstuvwxyz0123456789\n")
    assert main(["check-config", "--config", str(config)]) == 2
    assert "ghp_" not in capsys.readouterr().err


def test_failures_of_sources_no_longer_configured_are_not_current():
    from ospo_metrics.collect.targets import is_configured
    from ospo_metrics.ui.data import current_failures

    config = config_from_mapping(
        {"organizations": ["acme"], "repositories": [{"github": "other/kept"}]}
    )
    latest = pd.DataFrame(
        {
            "collector": ["git", "git", "github", "github", "git", "sbom", "scorecard"],
            "target": [
                "acme/widget",  # a repository of a configured organization
                "gone/removed",  # its repository was taken out of the configuration
                "org:acme",
                "org:old-org",  # an organization taken out of the configuration
                "other/kept",
                "github:gone/removed",
                "/tmp/scorecard.json",  # an import, not a configured source
            ],
            "status": ["failed"] * 7,
        }
    )
    shown = current_failures(latest, config)
    assert shown["target"].tolist() == [
        "acme/widget",
        "org:acme",
        "other/kept",
        "/tmp/scorecard.json",
    ]
    assert is_configured(config, "github", "upstream")
    # Fork listings: of a configured organization, and of the `github:` repositories.
    assert is_configured(config, "github", "forks:acme")
    assert not is_configured(config, "github", "forks:old-org")
    assert is_configured(config, "github", "forks:repositories")


def test_the_example_config_says_one_thing_about_relative_paths():
    text = (ROOT / "ospo.example.yml").read_text()
    head = text.split("database:", 1)[0]
    assert "relative to the directory the dashboard is started from" not in head
    assert "except" in head.lower() and "database" in head.lower()


def test_the_dashboard_watcher_and_git_ignore_data_mirrors_and_environments():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    ignored = set(settings["server"]["folderWatchBlacklist"])
    assert {"data", ".venv", "venv"} <= ignored
    for path in ("data/clones/github.com/1.git/config", ".venv/bin/python", "x.db-wal"):
        done = subprocess.run(
            ["git", "-C", str(ROOT), "check-ignore", "-q", "--no-index", path], check=False
        )
        assert done.returncode == 0, f"{path} is not ignored"


@pytest.mark.postgres
def test_the_postgres_test_database_is_created_when_missing():
    from conftest import POSTGRES_URL
    from postgres_setup import admin_engine

    name = f"ospo_t_{uuid.uuid4().hex[:10]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = admin_engine(url)
    engine.dispose()
    maintenance = admin_engine(make_url(POSTGRES_URL).set(database="postgres").render_as_string())
    with maintenance.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}"'))
    maintenance.dispose()


def test_an_unreachable_postgres_says_how_to_start_it():
    from postgres_setup import PostgresUnavailable, admin_engine

    with pytest.raises(PostgresUnavailable, match=r"not reachable.*pg_ctlcluster"):
        admin_engine("postgresql+psycopg://postgres@127.0.0.1:1/test")
