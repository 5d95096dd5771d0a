"""Real-browser smoke test: `streamlit run` on loopback, first start, Chromium shows the demo.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright's `executable_path`; no
browser is ever downloaded. Outside CI a machine without Chromium skips this test; in CI it is
installed by scripts/test.sh, and its absence fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, require_chromium, streamlit_app


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The dashboard served from an empty folder, as on a fresh machine: no config, no database."""
    env = {k: v for k, v in os.environ.items() if k not in ("OSPO_CONFIG", "DATABASE_URL")}
    with streamlit_app(tmp_path, env) as url:
        yield url


def test_first_start_shows_the_demo_dashboard(dashboard: str, tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(dashboard)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=90_000)
            # Tiles render one by one: on a loaded machine the first may come well before the rest.
            page.wait_for_selector("text=Active contributors", timeout=90_000)
            text = page.inner_text("body")
            assert "Demo data" in text
            assert "Commits" in text and "Active contributors" in text
            assert page.locator('[data-testid="stException"]').count() == 0
            page.get_by_text("Explore and export").click()
            page.wait_for_selector("text=KPI series", timeout=30_000)
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
    demo_database = tmp_path / "data" / "ospo_demo.db"
    assert demo_database.exists(), "the demo gets a database of its own on first start"
    assert not (tmp_path / "ospo_metrics.db").exists(), "real data will not mix with the demo"
