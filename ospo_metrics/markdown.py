"""Untrusted text for Markdown: shown literally, never as a link, an image or a heading.

Streamlit renders Markdown in most widgets, so a GitHub error text with `[click](https://…)`
or `![](http://…/pixel.png)` would become a live link or an image the browser fetches. Every
ASCII punctuation character can be backslash-escaped in Markdown (CommonMark), which makes it
literal: no link, image, emphasis, heading, table, LaTeX (`$`) or colour directive (`:`).
(GitHub-flavoured Markdown still links a bare e-mail address, escaped or not: show addresses
with `st.text` or in a table.) Secrets are masked first.
"""

from __future__ import annotations

import re

from ospo_metrics.redact import redact

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: object) -> str:
    """`text` escaped for a Markdown-rendering widget, its line breaks kept."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", redact(text))
    return escaped.replace("\n", "  \n")
