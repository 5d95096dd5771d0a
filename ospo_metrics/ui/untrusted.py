"""Untrusted text on pages: names, titles, descriptions and error texts shown as text.

Streamlit renders Markdown in most widgets, so a GitHub error text with `[click](https://…)`
or `![](http://…/pixel.png)` would become a live link or an image the browser fetches. Text
that comes from a source (or a user) goes through :func:`plain` for Markdown widgets, or is
shown in a code block by :func:`problem`; both mask secrets first.
"""

from __future__ import annotations

import re

import streamlit as st

from ospo_metrics.redact import redact

# Every ASCII punctuation character can be backslash-escaped in Markdown (CommonMark), which
# makes it literal: no link, image, emphasis, heading, table, LaTeX ($) or colour directive (:).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: object) -> str:
    """Untrusted text for a Markdown-rendering widget: literal, never a link or an image."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", redact(text))
    return escaped.replace("\n", "  \n")  # keep its line breaks as breaks


def problem(title: str, detail: str | None = None) -> None:
    """An error box with a title, and below it the untrusted detail text as plain text."""
    st.error(plain(title), icon="⚠️")
    if detail:
        st.code(redact(detail), language=None, wrap_lines=True)
