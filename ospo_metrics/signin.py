"""The dashboard's door: Streamlit's OpenID Connect sign-in and the allowlist.

`require_access()` runs first on every page view (app.py, right after the navigation is
registered, so no page script runs before it; kept out of the `ui` package, whose imports are
slow). With no `[auth]` and no `[access]`
in `.streamlit/secrets.toml` it lets everyone in (the local default). Otherwise it shows a
sign-in page to visitors, a clear "not allowed" page to signed-in people outside the allowlist
(see :mod:`ospo_metrics.access`), and lets allowed people through with their address and a
log-out button in the sidebar. Anything it cannot read makes it refuse, never open.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit import config as streamlit_config

from ospo_metrics.access import AccessConfigError, AccessPolicy, access_policy

SETUP_HELP = (
    "Sign-in is set up in `.streamlit/secrets.toml`: an `[auth]` table (redirect_uri, "
    "cookie_secret, client_id, client_secret, server_metadata_url of your OpenID Connect "
    "provider) and an `[access]` table (allowed_emails, allowed_domains). See README, "
    "section *Sign-in and access*."
)


def _locked(title: str, detail: str) -> None:
    st.error(title, icon="🔒")
    st.code(detail, language=None, wrap_lines=True)
    st.stop()


def _secrets() -> dict:
    """The secrets, or a stop: a secrets file that exists but cannot be read fails closed."""
    files = [path for path in streamlit_config.get_option("secrets.files") if os.path.isfile(path)]
    if not st.secrets.load_if_toml_exists():
        if files:
            _locked(
                "The dashboard is locked: its secrets file cannot be read.",
                f"{files[0]} is not valid TOML. Fix it and reload.",
            )
        return {}
    return st.secrets.to_dict()


def policy() -> AccessPolicy:
    try:
        return access_policy(_secrets())
    except AccessConfigError as exc:
        _locked("The dashboard is locked: the access settings are invalid.", str(exc))
        raise  # unreachable: st.stop() ends the script run


def may_see_pages() -> bool:
    """Whether to show the page menu (a quick look; `require_access` is the real check)."""
    try:
        rules = access_policy(st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {})
    except AccessConfigError:
        return False
    if not rules.login_required:
        return True
    if not rules.login_configured or not st.user.is_logged_in:
        return False
    return rules.allows(st.user.get("email"), st.user.get("email_verified"))


def require_access() -> None:
    """Stop the script run unless the visitor may see the dashboard."""
    rules = policy()
    if not rules.login_required:
        return
    if not rules.login_configured:
        st.title("ospo-metrics")
        st.error("The dashboard is locked: an allowlist is set but sign-in is not.", icon="🔒")
        st.markdown(SETUP_HELP)
        st.stop()
    user = st.user
    if not user.is_logged_in:
        st.title("ospo-metrics")
        st.write("This dashboard is private. Sign in with your organization account.")
        st.button("Log in", type="primary", on_click=st.login)
        st.stop()
    email = user.get("email")
    if not rules.allows(email, user.get("email_verified")):
        st.title("Not allowed")
        # Addresses go through st.text: Markdown would turn them into mailto links.
        st.text(f"Signed in as {email or 'an account without an e-mail address'}")
        st.warning(
            "This account may not see this dashboard. Ask the people who run it to add your "
            "address (or your domain) to the allowlist, then sign in again.",
            icon="🚫",
        )
        st.button("Log out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.text(f"Signed in as {email}")
        st.button("Log out", on_click=st.logout, key="ospo_logout")


# Set by app.py once `require_access` let this session in. A link straight to a page
# (/health) can run the page script without app.py, Streamlit's pages/ folder being
# auto-discovered before the session ever called st.navigation: pages check it through
# `ui.context()`, so such a link never shows data past the sign-in.
_CHECKED = "_ospo_access_checked"


def mark_checked() -> None:
    st.session_state[_CHECKED] = True


def ensure_checked() -> None:
    """`require_access` unless app.py already did it for this session."""
    if not st.session_state.get(_CHECKED):
        require_access()
        mark_checked()
