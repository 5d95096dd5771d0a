"""AppTest for the strategy pages (Public sector, Maturity) on the demo and an empty database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP, app_env, write_config  # noqa: F401  (app_env is a fixture)

STRATEGY_PAGES = ("pages/public_sector.py",)


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
        "Partner organizations",
        "Partner share of contributions",
    ]
    # The demo's partner companies contribute to our repositories.
    partners = next(m for m in at.metric if m.label == "Partner organizations")
    assert partners.value not in ("–", "0")
    shares = at.dataframe[0].value
    assert {"Initech", "Globex", "Umbrella"} <= set(shares["organization"])
