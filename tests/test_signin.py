"""Sign-in and access: Streamlit's OpenID Connect login against a real provider on loopback.

The provider is `oidc-provider-mock` (a maintained OpenID provider for tests, from PyPI): it
serves discovery, JWKS, authorization and token endpoints, and lets the test pick the user on
its login form. The dashboard runs with `streamlit run` and Debian's Chromium drives both.
The same browser session checks that untrusted text on the Data sources page stays text.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from streamlit.testing.v1 import AppTest
from streamlit_server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    free_port,
    require_chromium,
    streamlit_app,
)

from ospo_metrics.access import AccessConfigError, access_policy
from ospo_metrics.db import open_database
from ospo_metrics.store import finish_run, start_run

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "ospo",
    "client_secret": "s",
    "server_metadata_url": "http://localhost:1/.well-known/openid-configuration",
}


# --------------------------------------------------------------------------- the rule


def test_no_auth_and_no_allowlist_is_open():
    policy = access_policy({})
    assert not policy.login_required


def test_the_allowlist_matches_addresses_and_exact_domains():
    policy = access_policy(
        {
            "auth": AUTH,
            "access": {"allowed_emails": ["Ana@Example.org"], "allowed_domains": ["acme.com"]},
        }
    )
    assert policy.login_required
    assert policy.allows("ana@example.org", True) and policy.allows("ANA@EXAMPLE.ORG")
    assert policy.allows("bob@acme.com", True)
    assert not policy.allows("bob@sub.acme.com", True)  # a domain is not its subdomains
    assert not policy.allows("bob@acme.com.evil.example", True)
    assert not policy.allows("mallory@evil.example", True)
    assert not policy.allows("bob@acme.com", False)  # the provider says it is not verified
    assert not policy.allows(None) and not policy.allows("acme.com")


def test_sign_in_without_an_allowlist_lets_nobody_in():
    policy = access_policy({"auth": AUTH})
    assert policy.login_required and not policy.allows("anyone@example.org", True)


@pytest.mark.parametrize(
    "access",
    [
        {"allowed_emails": "not-an-address"},
        {"allowed_domains": ["@acme.com"]},
        {"allowed_email": ["typo@acme.com"]},
        {"allowed_emails": [1, 2]},
    ],
)
def test_a_malformed_allowlist_is_an_error(access):
    with pytest.raises(AccessConfigError):
        access_policy({"auth": AUTH, "access": access})


# --------------------------------------------------------------------------- locked pages


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    config = tmp_path / "ospo.yml"
    config.write_text("repositories: []\n", encoding="utf-8")
    monkeypatch.setenv("OSPO_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    return tmp_path


def test_an_allowlist_without_sign_in_locks_the_dashboard(empty_app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["access"] = {"allowed_domains": ["acme.com"]}
    at.run()
    assert not at.exception
    assert "locked" in at.error[0].value and "[auth]" in at.markdown[-1].value
    assert not at.metric, "no data is shown"


@pytest.mark.parametrize("page", ["pages/health.py", "pages/overview.py"])
def test_a_link_straight_to_a_page_is_locked_too(demo_app, page):
    """A deep link can run a page without app.py (Streamlit auto-discovers pages/ before a
    session has called st.navigation): the page itself must still check access."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=120)
    at.secrets["access"] = {"allowed_domains": ["acme.com"]}
    at.run()
    assert not at.exception
    assert at.error and "locked" in at.error[0].value
    assert not at.metric and not at.dataframe, "no data is shown"
    # Without an allowlist the page opens (the check is not a blanket lock).
    if page == "pages/health.py":
        open_page = AppTest.from_file(str(ROOT / page), default_timeout=120).run()
        assert not open_page.exception and open_page.metric


def test_invalid_access_settings_lock_the_dashboard(empty_app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"allowed_domains": "acme"}
    at.run()
    assert not at.exception
    assert "locked" in at.error[0].value and "allowed_domains" in at.code[0].value


# --------------------------------------------------------------------------- a real login


class _Pixel(BaseHTTPRequestHandler):
    """Counts requests: an image or link in untrusted text must never be fetched."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Pixel.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def pixel() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Pixel.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def provider() -> Iterator[str]:
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub="ana", claims={"email": "ana@acme.com", "email_verified": True}),
        User(sub="eve", claims={"email": "eve@elsewhere.example", "email_verified": True}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def test_login_with_a_real_provider_and_the_allowlist(tmp_path, provider, pixel):
    require_chromium()
    from playwright.sync_api import sync_playwright

    port = free_port()
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-0123456789abcdef"\n'
        'client_id = "ospo-dashboard"\n'
        'client_secret = "a-test-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "[access]\n"
        'allowed_domains = ["acme.com"]\n',
        encoding="utf-8",
    )
    config = tmp_path / "ospo.yml"
    # The failing source is configured: only configured sources show as failing.
    config.write_text("repositories:\n  - github: acme/widgets\n", encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'app.db'}"
    engine = open_database(database)
    hostile = (
        f"GitHub answered 422: [click here]({pixel}/click) ![]({pixel}/pixel.png) "
        f"<img src='{pixel}/html.png'> # heading"
    )
    finish_run(engine, start_run(engine, "github", "acme/widgets"), "failed", error=hostile)
    engine.dispose()
    env = {**os.environ, "OSPO_CONFIG": str(config), "DATABASE_URL": database}
    with streamlit_app(tmp_path, env, port) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for sub, allowed in (("eve", False), ("ana", True)):
                page = browser.new_context().new_page()
                page.goto(url)
                page.get_by_role("button", name="Log in").click(timeout=60_000)
                page.wait_for_url(f"{provider}/**", timeout=30_000)
                page.get_by_role("button", name=sub, exact=True).click()
                if not allowed:
                    page.wait_for_selector("text=Not allowed", timeout=60_000)
                    body = page.inner_text("body")
                    assert "may not see this dashboard" in body and "eve@elsewhere" in body
                    assert page.locator('[data-testid="stMetric"]').count() == 0
                    continue
                page.wait_for_selector("text=Signed in as", timeout=60_000)
                # The page list folds after ten pages: unfold it first ("View 3 more").
                more = page.get_by_text(re.compile(r"^View \d+ more$"))
                if more.count():
                    more.first.click()
                page.get_by_text("Data sources").first.click()
                page.wait_for_selector("text=GitHub answered 422", timeout=60_000)
                page.wait_for_timeout(1_000)  # let any image load start
                body = page.inner_text("body")
                assert "[click here]" in body and "Signed in as ana@acme.com" in body
                assert page.locator(f'a[href^="{pixel}"]').count() == 0
                assert page.locator(f'img[src^="{pixel}"]').count() == 0
                assert page.locator('a[href^="mailto:"]').count() == 0  # the address is text
                assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
    assert _Pixel.hits == [], "the browser fetched a URL from untrusted text"
