"""Real-browser smoke test: `streamlit run` on loopback, first start, Chromium shows the demo.

Chromium comes from Debian (/usr/bin/chromium), driven by Playwright's `executable_path`; no
browser is ever downloaded. Outside CI a machine without Chromium skips this test; in CI it is
installed by scripts/test.sh, and its absence fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    """The dashboard served from an empty folder, as on a fresh machine: no config, no database."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("OSPO_CONFIG", "DATABASE_URL")}
    log = open(tmp_path / "streamlit.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(
                    "streamlit did not become healthy:\n" + (tmp_path / "streamlit.log").read_text()
                )
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_first_start_shows_the_demo_dashboard(dashboard: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: scripts/test.sh installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(dashboard)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=90_000)
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
