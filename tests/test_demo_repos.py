"""Tests for the generated demo organization (small scale, so they stay fast)."""

from __future__ import annotations

import subprocess
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ospo_metrics.demo import DEMO_ORG_LOGIN, build_demo_repositories, demo_config
from ospo_metrics.gitgen import git_env

TODAY = date(2025, 11, 22)
SCALE = 0.05
NAMES = ["widgets", "cloud-operator", "cloud-cli", "docs", "legacy-tool"]


def git(path: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, text=True, env=git_env(), check=True
    )
    return done.stdout


def heads(repos) -> dict[str, str]:
    return {repo.full_name: git(repo.path, "rev-parse", "HEAD").strip() for repo in repos}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="module")
def repos(data_dir: Path):
    return build_demo_repositories(data_dir, TODAY, scale=SCALE)


def last_commit(path: Path) -> datetime:
    return datetime.fromisoformat(git(path, "log", "-1", "--format=%cI").strip())


def test_demo_builds_labelled_repositories(repos, data_dir: Path) -> None:
    assert [repo.full_name for repo in repos] == [f"{DEMO_ORG_LOGIN}/{name}" for name in NAMES]
    for repo in repos:
        assert repo.path == (data_dir / "demo" / repo.name).resolve()
        assert int(git(repo.path, "rev-list", "--count", "HEAD")) >= 40
        assert repo.description
    by_name = {repo.name: repo for repo in repos}
    for name in ("widgets", "cloud-operator", "cloud-cli", "docs"):
        age = TODAY - last_commit(by_name[name].path).date()
        assert timedelta(days=0) < age <= timedelta(days=4), name
    # The legacy tool went quiet over a year ago.
    assert TODAY - last_commit(by_name["legacy-tool"].path).date() > timedelta(days=365)
    first = git(by_name["widgets"].path, "log", "--reverse", "--format=%cI").split()[0]
    assert TODAY - datetime.fromisoformat(first).date() >= timedelta(days=700)


def test_demo_communities_differ(repos) -> None:
    by_name = {repo.name: repo for repo in repos}

    def emails(name: str) -> list[str]:
        return git(by_name[name].path, "log", "--no-merges", "--format=%ae").split()

    def employee_share(name: str) -> float:
        human = [e for e in emails(name) if "[bot]" not in e and "-bot@" not in e]
        return sum(e.endswith("@acme.example") for e in human) / len(human)

    def bot_share(name: str) -> float:
        return sum("[bot]" in e or "renovate-bot" in e for e in emails(name)) / len(emails(name))

    assert employee_share("cloud-operator") > 0.6
    assert employee_share("widgets") < 0.5
    assert bot_share("cloud-cli") > 0.2 > bot_share("widgets")


def test_widgets_mailmap_merges_two_identities(repos) -> None:
    widgets = next(repo for repo in repos if repo.name == "widgets")
    assert (widgets.path / ".mailmap").is_file()
    mapped = git(widgets.path, "check-mailmap", "sokafor <sam.okafor.dev@gmail.com>")
    assert mapped == "Sam Okafor <sam.okafor@acme.example>\n"


def test_second_build_is_a_fast_no_op(repos, data_dir: Path) -> None:
    before = heads(repos)
    markers = {r.full_name: (r.path / ".git" / "ospo-demo.json").stat().st_mtime_ns for r in repos}
    started = time.perf_counter()
    again = build_demo_repositories(data_dir, TODAY, scale=SCALE)
    assert time.perf_counter() - started < 1.0
    assert again == repos
    assert heads(again) == before
    after = {r.full_name: (r.path / ".git" / "ospo-demo.json").stat().st_mtime_ns for r in again}
    assert after == markers


def test_incomplete_or_outdated_repositories_are_rebuilt(tmp_path: Path) -> None:
    repos = build_demo_repositories(tmp_path, TODAY, scale=SCALE)
    original = heads(repos)
    widgets, docs = repos[0].path, repos[3].path
    # Interrupted runs: one repository has no marker yet, another a damaged one.
    (widgets / ".git" / "ospo-demo.json").unlink()
    (widgets / "junk.txt").write_text("half-written")
    (docs / "README.md").unlink()
    (docs / ".git" / "ospo-demo.json").write_text("{truncated")
    rebuilt = build_demo_repositories(tmp_path, TODAY, scale=SCALE)
    assert heads(rebuilt) == original  # same arguments, same history
    assert not (widgets / "junk.txt").exists()
    assert git(docs, "status", "--porcelain") == ""
    # Another day means a new history ending just before it.
    tomorrow = build_demo_repositories(tmp_path, TODAY + timedelta(days=1), scale=SCALE)
    assert heads(tomorrow)["acme-demo/widgets"] != original["acme-demo/widgets"]


def test_demo_config_references_the_repositories(repos) -> None:
    config = demo_config(repos, TODAY)
    assert config["demo"] is True
    assert [(r["name"], Path(r["path"])) for r in config["repositories"]] == [
        (repo.full_name, repo.path) for repo in repos
    ]
    assert all(Path(r["path"]).is_absolute() for r in config["repositories"])
    assert config["groups"] == {"cloud": ["acme-demo/cloud-*"]}
    assert config["affiliation"]["email_domains"] == ["acme.example"]
    kpis = {objective["kpi"] for objective in config["objectives"]}
    assert kpis == {
        "change_requests_accepted",
        "commits",
        "dco_signoff_rate",
        "employee_commit_share",
        "time_to_first_response",
        "upstream_prs_merged",
    }
    goals = {objective["goal"] for objective in config["objectives"]}
    assert goals == {"partner", "community", "ecosystem", "organizational"}
    # The people with dated employments really commit with the listed addresses.
    everyone = "".join(git(repo.path, "log", "--format=%ae") for repo in repos)
    people = config["affiliation"]["people"]
    assert {"from", "to"} <= {key for p in people for e in p["employments"] for key in e}
    for person in people:
        assert person["emails"][0] in everyone


def test_demo_config_is_a_valid_configuration(repos) -> None:
    from ospo_metrics.config import config_from_mapping

    config = config_from_mapping(demo_config(repos, TODAY))
    assert config.demo is True
    assert len(config.repositories) == len(repos)
    assert {objective.scope for objective in config.objectives} == {
        "all",
        "group:cloud",
        "repo:acme-demo/docs",
        "repo:acme-demo/cloud-sdk-rust",
    }
