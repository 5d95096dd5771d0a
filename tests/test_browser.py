"""Real-browser tests: `streamlit run` on loopback, first start, then every page in Chromium.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright's `executable_path`; no
browser is ever downloaded. Outside CI a machine without Chromium skips these tests; in CI it is
installed by scripts/test.sh, and its absence fails. One server serves the module: the first
test sees the first start build the demo, the second opens every page app.py wires, checks it
shows no error, saves a screenshot of it (to $OSPO_TEST_ARTIFACTS, else a temporary folder) and
downloads a CSV.
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, require_chromium, streamlit_app

ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def navigation_pages() -> list[tuple[str, str]]:
    """(url path, title) of every st.Page in app.py's navigation, in order."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            path = node.args[0].value
            title = next(k.value.value for k in node.keywords if k.arg == "title")
            default = any(k.arg == "default" and k.value.value for k in node.keywords)
            pages.append(("" if default else Path(path).stem, title))
    return pages


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The dashboard served from an empty folder, as on a fresh machine: no config, no database."""
    require_chromium()
    folder = tmp_path_factory.mktemp("dashboard")
    env = {k: v for k, v in os.environ.items() if k not in ("OSPO_CONFIG", "DATABASE_URL")}
    with streamlit_app(folder, env) as url:
        yield url, folder


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def settle(page, quiet_seconds: float = 1.0, timeout: float = 120) -> None:
    """Wait until the script run is over: the page has its title and the status widget
    ("Running...") has stayed away for `quiet_seconds` (it can appear late)."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
    status = page.locator('[data-testid="stStatusWidget"]')
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if status.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return
        page.wait_for_timeout(200)
    pytest.fail("the page kept running")


def test_first_start_shows_the_demo_dashboard(served, browser) -> None:
    url, folder = served
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
    # Tiles render one by one: on a loaded machine the first may come well before the rest.
    page.wait_for_selector("text=Active contributors", timeout=90_000)
    text = page.inner_text("body")
    assert "Demo data" in text
    assert "Commits" in text and "Active contributors" in text
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()
    demo_database = folder / "data" / "ospo_demo.db"
    assert demo_database.exists(), "the demo gets a database of its own on first start"
    assert not (folder / "ospo_metrics.db").exists(), "real data will not mix with the demo"


def test_every_page_renders_without_errors_and_a_csv_downloads(served, browser, tmp_path) -> None:
    url, _ = served
    shots = Path(os.environ.get("OSPO_TEST_ARTIFACTS") or tmp_path) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pages = navigation_pages()
    assert len(pages) >= 10 and pages[0] == ("", "Overview")
    for path, title in pages:
        page.goto(f"{url}/{path}")
        settle(page)
        heading = page.inner_text('[data-testid="stMain"] h1')
        errors = [e.inner_text() for e in page.locator(ERRORS).all()]
        page.screenshot(path=str(shots / f"{path or 'overview'}.png"), full_page=True)
        assert not errors, f"{title}: {errors}"
        assert heading.strip(), title
    assert len(list(shots.glob("*.png"))) == len(pages)

    page.goto(f"{url}/export")
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download CSV").first.click()
    saved = download.value
    assert saved.suggested_filename.endswith(".csv")
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert text.startswith("kpi,scope,period,period_start,period_end,value,unit,partial")
    page.close()
