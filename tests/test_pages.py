"""Headless page tests (streamlit.testing.v1.AppTest): every page renders with data and empty."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from gitrepo import GitRepo
from streamlit.testing.v1 import AppTest

from ospo_metrics.collect import collect_git_sources
from ospo_metrics.context import open_context
from ospo_metrics.report.series import SERIES_EXPORT_COLUMNS

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = (
    "pages/overview.py",
    "pages/health.py",
    "pages/changes.py",
    "pages/impact.py",
    "pages/upstream.py",
    "pages/compliance.py",
    "pages/export.py",
    "pages/sources.py",
)


def write_config(tmp_path: Path, repositories: str) -> Path:
    config = tmp_path / "ospo.yml"
    config.write_text(
        f"""
repositories:{repositories}
groups:
  core: [acme/widgets]
affiliation:
  organization: Acme
  email_domains: [acme.com]
""",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the app at a fresh SQLite file and a config in tmp_path; clear Streamlit caches."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.chdir(tmp_path)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def seeded(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo.init(app_env / "widgets")
    people = [("Jane Doe", "jane@acme.com"), ("Omar Said", "omar@globex.com")]
    for day in range(1, 29):
        repo.commit(
            f"change {day}",
            {"f.txt": f"{day}\n"},
            author=people[day % 2],
            date=f"2026-10-{day:02d}T12:00:00+00:00",
        )
    config = write_config(app_env, f"\n  - path: {repo.path}\n    name: acme/widgets")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    context = open_context()
    results = collect_git_sources(context)
    assert [r.status for r in results] == ["ok"]
    context.engine.dispose()


def test_overview_with_data_shows_tiles_and_trend(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    at = run_app()
    titles = [m.label for m in at.metric]
    assert "Commits" in " ".join(titles)
    assert len(at.metric) == 6
    assert not at.info, "no empty-state message when there is data"
    # The scope filter lists the group and the repository.
    assert {"all", "group:core", "repo:acme/widgets"} <= set(at.sidebar.selectbox[0].options)


def test_export_page_offers_kpi_series_and_commits(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    at = run_app("pages/export.py")
    frames = at.dataframe
    assert len(frames) == 4  # KPI series, commits, issues, more tables
    series = frames[0].value
    assert list(series.columns) == list(SERIES_EXPORT_COLUMNS)
    # October 2026's commits, then every week to today; only the running week is partial.
    assert series["partial"].tolist()[-1] and series["partial"].sum() == 1
    assert set(series["scope"]) == {"all"} and set(series["unit"]) == {"commits"}
    commits = frames[1].value
    assert len(commits) == 28
    assert set(commits["organization"]) == {"Acme", "globex.com"}
    at.checkbox(key="employees_only").check().run()
    assert not at.exception
    assert len(at.dataframe[1].value) == 14


@pytest.mark.parametrize("page", PAGES)
def test_pages_with_an_empty_database_show_an_empty_state(app_env, monkeypatch, page):
    monkeypatch.setenv("OSPO_CONFIG", str(write_config(app_env, " []")))
    at = run_app(page)
    assert at.info, "an empty state explains how to collect data"
    assert "ospo-metrics collect" in at.info[0].value


def test_broken_config_is_reported_not_raised(app_env, monkeypatch):
    config = app_env / "ospo.yml"
    config.write_text("objectives:\n  - id: x\n    target: lots\n", encoding="utf-8")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "cannot start" in at.error[0].value
    assert "ospo.yml:3" in at.code[0].value  # the error text is shown as text


def test_first_start_on_an_empty_database_collects_the_demo(app_env, monkeypatch):
    monkeypatch.delenv("OSPO_CONFIG", raising=False)
    monkeypatch.setenv("OSPO_DATA_DIR", str(app_env / "data"))
    at = run_app()
    assert "Demo data" in at.info[0].value
    commits_tile = next(m for m in at.metric if m.label == "Commits")
    assert commits_tile.value not in ("–", "0")
    assert (app_env / "data" / "demo" / "widgets").is_dir()


def test_data_sources_page_lists_runs_and_failures(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    config = app_env / "ospo.yml"
    broken = "repositories:\n  - path: /nonexistent/clone\n    name: acme/gone"
    config.write_text(config.read_text().replace("repositories:", broken))
    collect_git_sources(open_context())
    at = run_app("pages/sources.py")
    assert [m.value for m in at.metric][:2] == ["1", "1"]
    assert "acme/gone" in at.error[0].value and "does not exist" in at.code[0].value


def test_objectives_page_shows_status_and_chart(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    config = app_env / "ospo.yml"
    config.write_text(
        config.read_text()
        + """objectives:
  - id: more-commits
    title: Keep the commits coming
    kpi: commits
    scope: group:core
    aggregation: sum_since_start
    baseline: {value: 0, date: 2026-10-01}
    target: 20
    due: 2026-10-31
"""
    )
    at = run_app("pages/objectives.py")
    table = at.dataframe[0].value
    # 28 daily commits in October 2026; complete weeks from the start hold well over 20: met.
    assert table.loc[0, "title"] == "Keep the commits coming"
    assert table.loc[0, "status"] == "met"
    assert "met" in at.expander[0].label


def test_objectives_page_without_objectives_explains_how_to_add_them(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    at = run_app("pages/objectives.py")
    assert "objectives:" in at.info[0].value


def test_pages_with_github_data(app_env, monkeypatch, github_server):
    """Issues and pull requests from the fake GitHub: responsiveness tiles and the export."""
    from ospo_metrics.collect_github import collect_github_sources

    config = app_env / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {github_server.url}\n  token_env: TEST_GH_TOKEN\n"
        "organizations: [acme]\nupstream:\n  since: 2022-01-01\n"
        "affiliation:\n  organization: Acme\n"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    # The generated world ends in 2025; one fresh upstream pull request by a member is recent.
    model = github_server.model
    model.add_pull(model.get_repo("python/cpython"), "Fix a leak", model.org.members[1])
    env = {"TEST_GH_TOKEN": github_server.token}
    results = collect_github_sources(open_context(), env=env, sleep=lambda _: None)
    assert all(r.status in ("ok", "unchanged") for r in results), results

    at = run_app()
    labels = [m.label for m in at.metric]
    assert len(labels) == 12
    assert "Time to first response (median)" in labels
    assert any(m.value.startswith("**Compliance:**") for m in at.markdown)

    at.switch_page("pages/export.py").run()
    at.radio(key="relationship").set_value("upstream").run()
    at.selectbox(key="state").set_value("merged").run()
    assert not at.exception
    upstream = at.dataframe[2].value
    assert len(upstream) > 0
    assert set(upstream["relationship"]) == {"upstream"}
    assert set(upstream["state"]) == {"merged"}
    assert upstream["is_pull_request"].all()

    # GitHub-only data: the organization and its repositories are scopes too, and the scope
    # (kept in the URL) leaves out the upstream repositories.
    scopes = at.sidebar.selectbox[0].options
    assert "org:acme" in scopes
    assert any(s.startswith("repo:acme/") for s in scopes)
    at.sidebar.selectbox[0].set_value("org:acme").run()
    assert not at.exception
    assert at.dataframe[2].value.empty

    # Compliance: the public, active, non-fork repositories of the fake organization.
    in_scope = [
        r for r in model.org.repos if r.visibility == "public" and not r.archived and not r.fork
    ]
    at.switch_page("pages/compliance.py").run()
    assert not at.exception, at.exception
    # The matrix (required checks only, by default) from the GitHub community profile.
    matrix = at.dataframe[1].value.set_index("repo")
    assert set(matrix.index) == {r.full_name for r in in_scope}
    for r in in_scope:
        has_license = r.has_file("LICENSE")
        recognised = has_license and r.license_spdx not in (None, "NOASSERTION")
        assert matrix.loc[r.full_name, "LICENSE"] == ("pass" if has_license else "fail")
        assert matrix.loc[r.full_name, "LICENSE_RECOGNIZED"] == ("pass" if recognised else "fail")
    coverage = at.dataframe[2].value.set_index("check")
    assert coverage.loc["LICENSE", "passing"] == sum(r.has_file("LICENSE") for r in in_scope)

    # The executive summary ranks the upstream projects where members contribute.
    at.switch_page("pages/impact.py").run()
    assert not at.exception, at.exception
    assert len(at.metric) == 7  # six headlines and the compliance number
    top = at.dataframe[-1].value
    assert top[["repo", "prs_opened", "prs_merged", "our_people"]].to_dict("records") == [
        {"repo": "python/cpython", "prs_opened": 1, "prs_merged": 0, "our_people": 1}
    ]


def test_impact_summary_with_git_data(app_env, monkeypatch):
    seeded(app_env, monkeypatch)
    at = run_app("pages/impact.py")
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Upstream PRs merged", "Upstream merge rate", "Upstream projects"]
    assert "No upstream pull requests" in at.info[-1].value


def test_data_sources_page_while_a_collection_is_running(app_env, monkeypatch):
    from ospo_metrics.store import start_run

    monkeypatch.setenv("OSPO_CONFIG", str(write_config(app_env, " []")))
    start_run(open_context().engine, "git", "acme/busy")  # started, not finished
    at = run_app("pages/sources.py")
    assert at.metric[2].value == "–"
    assert "acme/busy" in at.dataframe[0].value["target"].tolist()


def _window_from_url(at: AppTest, key: str) -> None:
    at.query_params["window"] = key


@pytest.mark.parametrize("key", ["ytd", "last complete quarter"])  # t12m: the demo test
def test_impact_page_shows_the_kpi_engines_numbers_for_the_window_in_the_url(
    app_env, monkeypatch, key
):
    """The October 2026 commits: the tiles equal kpis.window over the window from the URL."""
    import pandas as pd

    from kpis.window import window_value
    from ospo_metrics import read
    from ospo_metrics.formatting import format_value
    from ospo_metrics.report import HEADLINE_KPIS, window_for, windows

    if key == "last complete quarter":
        key = windows(pd.Timestamp.now("UTC"))[0].key  # "2026Q3" in December 2026
    seeded(app_env, monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["window"] = key
    at.run()
    at.switch_page("pages/impact.py").run()
    assert not at.exception, at.exception
    window = window_for(key, pd.Timestamp.now("UTC"))
    assert window.key == key
    assert at.selectbox(key="window").value == key
    assert any(window.stated() in m.value for m in at.markdown)
    frames = read.context_frames(open_context())
    shown = {m.label: m.value for m in at.metric}
    import kpis

    for kpi_id in HEADLINE_KPIS:
        kpi = kpis.get(kpi_id)
        expected = window_value(kpi_id, frames, window.start, window.end)
        assert shown[kpi.title] == format_value(expected, kpi.unit), kpi_id
    # 28 October 2026 commits by two people: the window holds them all, or none.
    october = pd.Timestamp("2026-10-15", tz="UTC")
    expected = "2" if window.start <= october < window.end else "0"
    assert shown["Active contributors"] == expected


def test_upstream_page_with_github_data_and_privacy(app_env, monkeypatch, github_server):
    from ospo_metrics.collect_github import collect_github_sources

    config = app_env / "ospo.yml"
    config.write_text(
        f"github:\n  base_url: {github_server.url}\n  token_env: TEST_GH_TOKEN\n"
        "organizations: [acme]\nupstream:\n  since: 2022-01-01\n"
        "affiliation:\n  organization: Acme\n"
    )
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    model = github_server.model
    author = model.org.members[1]
    model.add_pull(model.get_repo("python/cpython"), "Fix a leak", author)
    env = {"TEST_GH_TOKEN": github_server.token}
    collect_github_sources(open_context(), env=env, sleep=lambda _: None)

    at = run_app("pages/upstream.py")
    shown = {m.label: m.value for m in at.metric}
    assert shown["Upstream PRs opened"] == "1"
    projects, people = at.dataframe[0].value, at.dataframe[1].value
    assert projects["repo"].tolist() == ["python/cpython"]
    assert people["prs_opened"].tolist() == [1]
    assert people["login"].tolist() == [author.login]

    config.write_text(config.read_text() + "privacy: true\n")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = run_app("pages/upstream.py")
    assert len(at.dataframe) == 1  # the projects only: nobody listed
    text = " ".join(m.value for m in at.markdown)
    assert "**1** of our people contributed upstream" in text and author.login not in text


def test_export_page_tables_from_the_url_match_the_cli(app_env, monkeypatch, capsys):
    """?table=people&scope=group:core: the page's rows are the CLI's rows."""
    import csv
    import io

    from ospo_metrics.cli import main

    seeded(app_env, monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["table"] = "people"
    at.query_params["scope"] = "group:core"
    at.run()
    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="table").value == "people"
    shown = at.dataframe[3].value
    capsys.readouterr()
    assert main(["export", "people", "--scope", "group:core"]) == 0
    cli = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(shown.columns) == list(cli[0].keys())
    assert sorted(shown["name"]) == sorted(row["name"] for row in cli) == ["Jane Doe", "Omar Said"]
    at.selectbox(key="table").set_value("releases").run()
    assert not at.exception and "No releases match" in at.info[-1].value


def test_my_pages_on_the_demo_show_non_zero_executive_numbers(demo_app):
    """The demo gives the executive real numbers (upstream, community, responsiveness), the
    tiles equal the KPI engine's over the window, and the upstream and export pages render."""
    import pandas as pd

    import kpis
    from kpis.window import window_value
    from ospo_metrics import read
    from ospo_metrics.formatting import format_value
    from ospo_metrics.report import HEADLINE_KPIS, window_for

    at = run_app("pages/impact.py")
    shown = {m.label: m.value for m in at.metric}
    window = window_for("t12m", pd.Timestamp.now("UTC"))
    frames = read.context_frames(open_context())
    for kpi_id in HEADLINE_KPIS:
        kpi = kpis.get(kpi_id)
        assert shown[kpi.title] not in ("0", "–", "0.0 %"), kpi_id
        expected = window_value(kpi_id, frames, window.start, window.end)
        assert shown[kpi.title] == format_value(expected, kpi.unit), kpi_id
    projects = at.dataframe[-1].value
    assert projects["prs_merged"].sum() == window_value(
        "upstream_prs_merged", frames, window.start, window.end
    )
    at.switch_page("pages/upstream.py").run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 2 and len(at.dataframe[1].value) > 0  # projects, people
    at.switch_page("pages/export.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="table").set_value("upstream").run()
    assert not at.exception and len(at.dataframe[3].value) > 0


def test_compliance_page_on_the_demo_shows_libyears(demo_app):
    """The demo's SBOM packages have release dates (no network): the libyears section shows
    each repository's libyears and the dependencies lagging most, as the KPI functions say."""
    from kpis.libyears import lagging_dependencies, repository_libyears
    from ospo_metrics import read
    from ospo_metrics.compliance.views import as_of

    frames = read.context_frames(open_context())
    expected = repository_libyears(frames, as_of(frames))
    assert len(expected) and (expected["libyears"] > 0).all()
    assert (expected["basis"] == "direct").all()  # the demo's SBOMs say what is direct
    lagging = lagging_dependencies(frames, as_of(frames))
    assert (lagging["libyears"] > 0).any() and lagging["latest_version"].notna().all()
    at = run_app("pages/compliance.py")
    tables = [d.value for d in at.dataframe]
    shown = next(t for t in tables if "basis" in t.columns)
    assert shown["repo"].tolist() == expected["repo"].tolist()
    assert shown["libyears"].tolist() == expected["libyears"].tolist()
    worst = next(t for t in tables if "latest_version" in t.columns)
    assert worst.iloc[0]["package"] == lagging.iloc[0]["package"]
    labels = {m.label for m in at.metric}
    assert {"Libyears (median per repository)", "Dependencies with release data"} <= labels
