"""Frames read on first use, and results kept on disk per data version (read/lazy.py,
read/results.py, warm.py), on a real SQLite file and a real PostgreSQL schema."""

from __future__ import annotations

import stat

import pandas as pd
from test_read import add_late_commit, seed

import kpis
from ospo_metrics import read
from ospo_metrics.changes.weekly import load_changes
from ospo_metrics.compliance.read import COMPLIANCE_FRAMES, load_compliance_frames
from ospo_metrics.config import config_from_mapping
from ospo_metrics.context import Context
from ospo_metrics.health.views import default_repository, drill_down, health_table
from ospo_metrics.people.views import (
    contributors_by_kind_table,
    current_people_tables,
    excluded_table,
)
from ospo_metrics.read.health import HEALTH_FRAMES, load_health_frames
from ospo_metrics.read.results import MISSING, ResultStore
from ospo_metrics.read.strategy import load_assessments
from ospo_metrics.report import DEFAULT_WINDOW
from ospo_metrics.report.current import hourly_summary, summary_of, upstream_numbers
from ospo_metrics.report.public_sector import public_sector_summary
from ospo_metrics.store import finish_run, start_run
from ospo_metrics.strategy.maturity_evidence import evidence
from ospo_metrics.strategy.objectives import current_objectives
from ospo_metrics.warm import DEFAULT_PERIOD, latest_values, warm_views

NOW = pd.Timestamp("2024-03-20T10:30:00Z")


def make_context(engine, db_url: str, tmp_path, **extra) -> Context:
    config = config_from_mapping(
        {
            "affiliation": {"organization": "Acme", "email_domains": ["acme.com"]},
            "data_dir": str(tmp_path / "data"),
            **extra,
        }
    )
    return Context(config=config, engine=engine, database_url=db_url)


def add_late_commit_in_a_run(engine) -> None:
    add_late_commit(engine)
    finish_run(engine, start_run(engine, "git", "acme/widgets"), "ok")  # a new data version


def result_files(context: Context) -> list:
    return sorted(context.cache_dir.glob("results-*/*.pickle"))


def test_lazy_frames_read_only_the_tables_a_view_touches(engine, db_url, tmp_path) -> None:
    seed(engine)
    context = make_context(engine, db_url, tmp_path)
    eager = read.load_frames(engine, context.rules)
    # Before the Arrow cache exists, the first table read brings the three activity tables.
    frames = read.version_frames(context)
    assert frames.loaded_names() == []
    pd.testing.assert_frame_equal(frames.commits, eager.commits)
    assert frames.loaded_names() == ["commits", "contributions", "issues"]
    # From the cache, one table at a time.
    frames = read.version_frames(context)
    pd.testing.assert_frame_equal(frames.issues, eager.issues)
    assert frames.loaded_names() == ["issues"]
    pd.testing.assert_frame_equal(frames.contributions, eager.contributions)
    assert frames.loaded_names() == ["contributions", "issues"]
    # The compliance tables come in one read, apart from the activity; the names each source
    # is known by are those its loader returns.
    assert set(load_compliance_frames(engine, context.config)) == set(COMPLIANCE_FRAMES)
    assert set(load_health_frames(engine, context.config)) == set(HEALTH_FRAMES)
    assert frames.scorecard.empty
    assert "repositories" in frames.loaded_names() and "commits" not in frames.loaded_names()
    # KPIs computed from lazy frames are the KPIs of the eager ones.
    for kpi_id in ("commits", "active_contributors", "time_to_first_response"):
        pd.testing.assert_frame_equal(
            kpis.series(kpi_id, read.version_frames(context), "week", end=NOW),
            kpis.series(kpi_id, eager, "week", end=NOW),
        )


def test_a_new_process_reuses_stored_results_without_reading_a_table(
    engine, db_url, tmp_path
) -> None:
    seed(engine)
    context = make_context(engine, db_url, tmp_path)
    first = read.series("commits", read.version_frames(context), "week", end=NOW)
    assert result_files(context)
    first_key = read.current_key(engine, db_url, context.rules)
    # New frames have an empty memo, as in a new process: the series comes from disk.
    again = read.version_frames(context)
    pd.testing.assert_frame_equal(read.series("commits", again, "week", end=NOW), first)
    assert again.loaded_names() == []
    # What was never computed reads the tables once, and is then stored as well.
    assert read.repository_names(again) == ["acme/tools", "acme/widgets", "kube/kube"]
    assert "commits" in again.loaded_names()
    assert not read.is_empty(again, "commits")
    fresh = read.version_frames(context)
    assert read.repository_names(fresh) == ["acme/tools", "acme/widgets", "kube/kube"]
    assert not read.is_empty(fresh, "commits")
    assert fresh.loaded_names() == []
    for path in result_files(context):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # New data is a new version: the late commit counts at once.
    add_late_commit_in_a_run(engine)
    moved = read.series("commits", read.version_frames(context), "week", end=NOW)
    expected = kpis.series("commits", read.load_frames(engine, context.rules), "week", end=NOW)
    pd.testing.assert_frame_equal(moved, expected)
    assert moved["value"].sum() == first["value"].sum() + 1
    # Once a version is dropped from the cache (two newer ones), its results go with it.
    read.warm(engine, db_url, context.rules, context.cache_dir)
    finish_run(engine, start_run(engine, "git", "acme/tools"), "ok")
    read.warm(engine, db_url, context.rules, context.cache_dir)
    folders = {path.parent.name for path in result_files(context)}
    assert folders and f"results-{first_key}" not in folders


def test_scopes_and_configurations_keep_results_apart(engine, db_url, tmp_path) -> None:
    seed(engine)
    context = make_context(engine, db_url, tmp_path, groups={"core": ["acme/widgets"]})
    everything = read.series("commits", read.version_frames(context), "week", end=NOW)
    core = read.series("commits", read.context_frames(context, "group:core"), "week", end=NOW)
    eager = read.load_frames(engine, context.rules)
    expected = kpis.series(
        "commits", read.scoped_frames(eager, "group:core", context.groups), "week", end=NOW
    )
    pd.testing.assert_frame_equal(core, expected)
    assert 0 < core["value"].sum() < everything["value"].sum()
    # A new process asking for the group reads it from disk, and the scope is right.
    stored = read.context_frames(context, "group:core")
    pd.testing.assert_frame_equal(read.series("commits", stored, "week", end=NOW), core)
    # Another configuration (the group now names another repository) computes afresh.
    other = make_context(engine, db_url, tmp_path, groups={"core": ["acme/tools"]})
    moved = read.series("commits", read.context_frames(other, "group:core"), "week", end=NOW)
    assert moved["value"].sum() != core["value"].sum()
    pd.testing.assert_frame_equal(
        moved,
        kpis.series(
            "commits",
            read.scoped_frames(read.load_frames(engine, other.rules), "group:core", other.groups),
            "week",
            end=NOW,
        ),
    )
    stores = {
        ResultStore.of(context.cache_dir, "k", context.config).namespace,
        ResultStore.of(context.cache_dir, "k", other.config).namespace,
    }
    assert len(stores) == 2


def test_unstable_keys_stay_in_memory_and_damaged_files_are_recomputed(
    engine, db_url, tmp_path
) -> None:
    seed(engine)
    context = make_context(engine, db_url, tmp_path)
    store = ResultStore.of(context.cache_dir, "k", context.config)
    store.put(("opaque", object()), "value")  # no text names an object the same way twice
    assert store.get(("opaque", object())) is MISSING
    assert not store.folder.exists()
    store.put(("plain", NOW, 3, ("a", "b")), {"x": 1})
    assert store.get(("plain", NOW, 3, ("a", "b"))) == {"x": 1}
    assert store.get(("plain", NOW, 4, ("a", "b"))) is MISSING

    first = read.series("commits", read.version_frames(context), "week", end=NOW)
    # A file others can write is never unpickled (unpickling runs code).
    for path in result_files(context):
        path.chmod(0o666)
    frames = read.version_frames(context)
    pd.testing.assert_frame_equal(read.series("commits", frames, "week", end=NOW), first)
    assert "commits" in frames.loaded_names()
    for path in result_files(context):
        path.write_bytes(b"not a pickle")
    frames = read.version_frames(context)
    pd.testing.assert_frame_equal(read.series("commits", frames, "week", end=NOW), first)
    assert "commits" in frames.loaded_names()  # computed again, not trusted


def test_warming_stores_what_the_first_views_need(engine, db_url, tmp_path) -> None:
    seed(engine)
    context = make_context(engine, db_url, tmp_path)
    warmed = warm_views(context, now=NOW)
    assert warmed.frames_seconds >= 0 and warmed.results_seconds >= 0
    frames = read.version_frames(context)
    values = latest_values(frames, DEFAULT_PERIOD, NOW)
    assert frames.loaded_names() == []  # every tile and `kpis` value came from disk
    eager = read.load_frames(engine, context.rules)
    for kpi, _calendar, change, coverage in values:
        table = kpis.series(kpi.id, eager, DEFAULT_PERIOD, end=NOW)
        assert change == kpis.latest_change(table, NOW), kpi.id
        assert coverage == kpis.coverage_at(kpi.id, eager, DEFAULT_PERIOD, change.period_start)
    # Every page's default view, through the functions the pages call, reads no table.
    frames = read.version_frames(context)
    assessments = load_assessments(engine)
    current_objectives(list(context.config.objectives), frames, context.groups, NOW)
    summary = hourly_summary(context, frames, DEFAULT_WINDOW, NOW, assessments)
    upstream_numbers(frames, DEFAULT_WINDOW, NOW)
    public_sector_summary(frames, NOW, DEFAULT_PERIOD)
    evidence(frames, NOW)
    repository = default_repository(health_table(frames, context.config, NOW))
    one = read.scoped_frames(frames, f"repo:{repository}", context.groups)
    shown = drill_down(one, context.config, NOW)
    assert one.loaded_names() == []
    load_changes(context, frames, "all", NOW)
    people = current_people_tables(engine, context.rules, frames)
    contributors_by_kind_table(frames, DEFAULT_PERIOD)
    excluded_table(frames)
    read.lookups_of(engine, context.rules, frames)
    assert frames.loaded_names() == []
    assert repository == "acme/tools"  # first by attention: its open issue has no response
    fresh = read.scoped_frames(read.load_frames(engine, context.rules), "repo:acme/tools", {})
    pd.testing.assert_frame_equal(
        shown.late, drill_down(fresh, context.config, NOW).late, check_dtype=False
    )
    assert summary == summary_of(context, eager, DEFAULT_WINDOW, NOW, assessments)
    assert set(people["people"]["person_id"]) == {1, 2, 3}
    # The details of the Explore page's first rows: stored; another id list is read.
    ids = read.first_ids(frames.commits, "commits")
    shown = read.shown_details(engine, context.rules, frames, "commits", ids)
    assert shown["sha"].tolist() == ["c1", "c2", "c3", "c4", "c5"]
    assert frames.loaded_names() == ["commits"]
    pull_requests = read.issue_rows(frames.issues, "all", context.groups)
    assert pull_requests.empty  # the only pull request is upstream
    one = read.shown_details(engine, context.rules, frames, "commits", ids[:1])
    pd.testing.assert_frame_equal(one, read.load_commits_table(engine, context.rules, ids=ids[:1]))
