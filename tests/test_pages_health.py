"""The Project health page on the demo: the rows and numbers are the KPI engine's, the URL's
filters apply, and one repository's drill-down renders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from kpis.health import repository_health
from ospo_metrics import read
from ospo_metrics.context import open_context
from ospo_metrics.health import views

APP = str(Path(__file__).resolve().parents[1] / "app.py")
NUMBERS = (
    "attention_score",
    "open_issues",
    "open_prs",
    "ttfr_median_90d_hours",
    "waiting_over_target",
    "contributor_absence_factor_90d",
    "elephant_factor_90d",
    "release_gap_days",
)


def health_page(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/health.py").run()
    assert not at.exception, at.exception
    return at


def engine_table(demo_data_dir: Path, scope: str = "all") -> pd.DataFrame:
    context = open_context(env={}, demo_data_dir=demo_data_dir, force_demo=True)
    try:
        frames = read.context_frames(context, scope)
        rules = views.rules_of(context.config)
        return repository_health(frames, views.as_of(pd.Timestamp.now("UTC")), rules)
    finally:
        context.engine.dispose()


def test_health_page_on_the_demo_shows_the_engines_numbers(demo_app):
    at = health_page()
    shown = at.dataframe[0].value.set_index("repo")
    expected = engine_table(demo_app).set_index("repo")
    assert sorted(shown.index) == sorted(expected.index)
    pd.testing.assert_frame_equal(
        shown[list(NUMBERS)].sort_index(),
        expected[list(NUMBERS)].sort_index(),
        check_dtype=False,
    )
    # The demo's promises: legacy-tool is stale, spec is quiet on purpose (its topic).
    assert shown.loc["acme-demo/legacy-tool", "stale"]
    assert "stale: no commit or push" in shown.loc["acme-demo/legacy-tool", "attention_reasons"]
    assert not shown.loc["acme-demo/spec", "stale"]
    assert shown.loc["acme-demo/spec", "stale_note"].startswith("exempt until")
    assert "feature-complete" in shown.loc["acme-demo/spec", "stale_note"]
    assert shown.loc["acme-demo/old-website", "stale_note"] == "archived"
    counts = {m.label: m.value for m in at.metric}
    assert counts["Stale"] == "1" and counts["Exempt from the stale rule"] == "1"
    assert counts["Repositories"] == str(len(expected))
    # Most in need of attention first; the drill-down opens on it.
    assert shown["attention_score"].is_monotonic_decreasing
    assert at.selectbox(key="h_repo").value == shown.index[0]
    assert any("Why it needs attention" in m.value for m in at.markdown)


def test_health_page_takes_its_filters_from_the_url(demo_app):
    at = health_page(scope="group:cloud", h_stale="", h_attention="1", h_sort="repository")
    shown = at.dataframe[0].value
    expected = engine_table(demo_app, "group:cloud")
    expected = expected[expected["attention_score"] > 0].sort_values("repo")
    assert shown["repo"].tolist() == expected["repo"].tolist()
    assert shown["repo"].str.startswith("acme-demo/cloud-").all()
    at.checkbox(key="h_stale").check().run()
    assert not at.exception
    # No cloud repository is stale: the table is empty and the drill-down says why.
    assert at.dataframe[0].value.empty
    assert any("No repository matches" in i.value for i in at.info)


def test_health_drill_down_of_one_repository(demo_app):
    at = health_page(h_repo="acme-demo/widgets", h_sort="repository")
    assert at.selectbox(key="h_repo").value == "acme-demo/widgets"
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any("Active contributors per month, by organization" in t for t in titles)
    assert any("Time to first response, items opened in the last 365 days" in t for t in titles)
    missed = [d.value for d in at.dataframe if "response_or_waiting_hours" in d.value.columns]
    assert missed and (missed[0]["response_or_waiting_hours"] > 48).all()
    assert missed[0]["html_url"].str.startswith("https://github.com/acme-demo/widgets/").all()
    releases = [d.value for d in at.dataframe if "tag" in d.value.columns]
    assert releases and set(releases[0]["repo"]) == {"acme-demo/widgets"}


def test_health_command_writes_the_pages_csv(demo_app, monkeypatch, tmp_path, capsys):
    from ospo_metrics.cli import main

    monkeypatch.chdir(demo_app.parent)  # the CLI finds the demo under ./data
    out = tmp_path / "health.csv"
    assert main(["health", "--scope", "group:cloud", "--sort", "repository", "-o", str(out)]) == 0
    written = pd.read_csv(out)
    expected = engine_table(demo_app, "group:cloud").sort_values("repo")
    assert written["repo"].tolist() == expected["repo"].tolist()
    assert written["attention_score"].tolist() == expected["attention_score"].tolist()
    assert list(written.columns) == list(views.as_csv(expected).columns)
    assert main(["health", "--stale"]) == 0
    printed = capsys.readouterr().out
    assert "acme-demo/legacy-tool" in printed and "acme-demo/widgets" not in printed
