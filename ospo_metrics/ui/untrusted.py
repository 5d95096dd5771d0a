"""Untrusted text on pages (names, titles, descriptions, error texts) shown as text.

:func:`plain` escapes text for Markdown widgets (see :mod:`ospo_metrics.markdown`);
:func:`problem` shows an error title with the untrusted detail in a code block.
"""

from __future__ import annotations

import streamlit as st

from ospo_metrics.markdown import plain
from ospo_metrics.redact import redact

__all__ = ["plain", "problem"]


def problem(title: str, detail: str | None = None) -> None:
    """An error box with a title, and below it the untrusted detail text as plain text."""
    st.error(plain(title), icon="⚠️")
    if detail:
        st.code(redact(detail), language=None, wrap_lines=True)
