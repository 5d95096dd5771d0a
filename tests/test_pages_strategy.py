"""AppTest for the strategy pages (Public sector, Maturity) on the demo and an empty database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP, app_env, write_config  # noqa: F401  (app_env is a fixture)

STRATEGY_PAGES = ("pages/public_sector.py", "pages/maturity.py")


def run(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", STRATEGY_PAGES)
def test_strategy_pages_on_an_empty_database(app_env, monkeypatch, page):  # noqa: F811
    monkeypatch.setenv("OSPO_CONFIG", str(write_config(app_env, " []")))
    at = run(page)
    assert at.info, "an empty state explains what to do"


def test_public_sector_page_on_the_demo(demo_app):
    at = run("pages/public_sector.py")
    labels = [metric.label for metric in at.metric]
    assert labels == [
        "Publishing ratio",
        "Reuse: contributions by other organizations",
        "Reuse: forks by others",
        "Partner organizations",
        "Partner share of contributions",
    ]
    # The demo's partner companies contribute to our repositories.
    partners = next(m for m in at.metric if m.label == "Partner organizations")
    assert partners.value not in ("–", "0")
    shares = at.dataframe[0].value
    assert {"Initech", "Globex", "Umbrella"} <= set(shares["organization"])
    # Outside users and organizations fork the demo's repositories; employees' forks are out.
    forks = next(m for m in at.metric if m.label == "Reuse: forks by others")
    assert forks.value not in ("–", "0")
    outside = next(df.value for df in at.dataframe if "owner_login" in df.value.columns)
    assert {"User", "Organization"} == set(outside["owner_type"])
    assert "Acme" not in set(outside["organization"])


def test_maturity_page_saves_an_assessment_and_shows_the_stage(app_env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("OSPO_CONFIG", str(write_config(app_env, " []")))
    at = run("pages/maturity.py")
    assert "Not assessed yet" in at.markdown[0].value
    ad_hoc = ("uses-open-source", "contact-person", "license-policy", "contributions-allowed",
              "dependencies-known")  # fmt: skip
    for question in ad_hoc:
        at.radio(key=f"maturity-{question}").set_value("yes")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Ad hoc (assessed" in at.markdown[0].value
    # Evidence is shown beside the questions that have a KPI.
    assert any("evidence: `license_coverage`" in caption.value for caption in at.caption)
    history = at.dataframe[0].value
    assert history["stage"].tolist() == ["Ad hoc"] and history["answers"].tolist() == [5]


def test_maturity_page_on_the_demo(demo_app):
    at = run("pages/maturity.py")
    assert at.radio(key="maturity-engages-upstream").value == "unanswered"
    caption = next(c.value for c in at.caption if "`upstream_prs_merged`" in c.value)
    assert "no data" not in caption, "the demo has upstream pull requests merged"


def test_objectives_page_lists_items_that_missed_a_service_level(demo_app):
    at = run("pages/objectives.py")
    captions = [c.value for c in at.caption]
    assert any("item(s) over the target" in c for c in captions), captions
    late = next(df.value for df in at.dataframe if "link" in df.value.columns)
    assert late["link"].str.startswith("https://github.com/acme-demo/").all()
    assert late["hours"].is_monotonic_decreasing
