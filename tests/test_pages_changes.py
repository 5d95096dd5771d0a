"""The What changed page on the demo (whose snapshots include one taken before a late
collection): the numbers are the engine's, the scope comes from the URL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ospo_metrics import read
from ospo_metrics.changes import weekly
from ospo_metrics.context import open_context

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def changes_page(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/changes.py").run()
    assert not at.exception, at.exception
    return at


def engine_changes(demo_data_dir: Path, scope: str) -> weekly.WeeklyChanges:
    context = open_context(env={}, demo_data_dir=demo_data_dir, force_demo=True)
    try:
        frames = read.context_frames(context, scope)
        snapshots = weekly.select_snapshots(read.load_snapshots(context.engine), scope)
        titles = {o.id: o.title for o in context.config.objectives}
        now = pd.Timestamp.now("UTC").floor("h")
        names = read.load_person_names(context.engine)
        return weekly.weekly_changes(frames, snapshots, names, now, titles)
    finally:
        context.engine.dispose()


def moves_shown(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "week_before" in d.value.columns)


def test_changes_page_on_the_demo_shows_the_engines_numbers(demo_app):
    at = changes_page()
    expected = engine_changes(demo_app, "all")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["New contributors"] == f"{len(expected.new_contributors):,}"
    assert tiles["Releases"] == f"{len(expected.releases):,}"
    assert tiles["Repositories created"] == f"{len(expected.created):,}"
    # The demo's repository created last week.
    assert "acme-demo/cloud-sdk-rust" in expected.created["repo"].tolist()
    shown = moves_shown(at)
    top = weekly.shown_moves(expected.kpis)
    pd.testing.assert_frame_equal(
        shown.reset_index(drop=True),
        top.drop(columns=["kpi"]).reset_index(drop=True),
        check_dtype=False,
    )
    # The demo's late collection: some week-before values differ from what was reported.
    assert expected.kpis["history_changed"].any()
    assert any("reported differently then" in c.value for c in at.caption)
    assert shown["history_changed"].sum() == expected.kpis["history_changed"].sum()
    assert expected.snapshot_days >= 2 and not expected.objectives.note


def test_changes_page_takes_its_scope_from_the_url(demo_app):
    at = changes_page(scope="group:cloud")
    assert at.sidebar.selectbox[0].value == "group:cloud"
    expected = engine_changes(demo_app, "group:cloud")
    top = weekly.shown_moves(expected.kpis)
    assert moves_shown(at)["title"].tolist() == top["title"].tolist()
    created = [d.value for d in at.dataframe if "created_at" in d.value.columns]
    assert created and created[0]["repo"].tolist() == ["acme-demo/cloud-sdk-rust"]


def test_changes_command_prints_the_same_moves(demo_app, monkeypatch, tmp_path, capsys):
    from ospo_metrics.cli import main

    monkeypatch.chdir(demo_app.parent)
    out = tmp_path / "changes.csv"
    assert main(["changes", "-o", str(out)]) == 0
    written = pd.read_csv(out)
    expected = engine_changes(demo_app, "all").kpis
    assert written["kpi"].tolist() == expected["kpi"].tolist()
    assert main(["changes", "--scope", "group:cloud"]) == 0
    printed = capsys.readouterr().out
    assert "repositories created: 1" in printed and "acme-demo/cloud-sdk-rust" in printed
