"""Objectives on the pages: status words with their colour, the one-line summary."""

from __future__ import annotations

import streamlit as st

from ospo_metrics.objectives import ObjectiveView

# What the Objectives page shows; the CSV download has every column.
OBJECTIVE_COLUMNS = [
    "title",
    "status",
    "goal",
    "baseline",
    "current",
    "target",
    "unit",
    "progress",
    "probability_pct",
    "due",
]

STATUS_ICONS = {
    "met": "✅",
    "on track": "🟢",
    "at risk": "🟠",
    "off track": "🔴",
    "missed": "⛔",
    "no data": "⚪",
}
# Streamlit's named colours for a status word in markdown (`:green[on track]`).
STATUS_COLOURS = {
    "met": "green",
    "on track": "green",
    "at risk": "orange",
    "off track": "red",
    "missed": "red",
    "no data": "gray",
}


def status_badge(status: str) -> str:
    """The status in words and colour, as markdown: `🟢 :green[on track]`."""
    return f"{STATUS_ICONS.get(status, '')} :{STATUS_COLOURS.get(status, 'gray')}[{status}]"


def objectives_summary(views: list[ObjectiveView], link: bool = True) -> None:
    """One line: how many objectives are in each status, linking to the Objectives page."""
    if not views:
        return
    counts: dict[str, int] = {}
    for view in views:
        counts[view.result.status] = counts.get(view.result.status, 0) + 1
    text = " · ".join(f"{status_badge(s)} {n}" for s, n in counts.items())
    st.markdown(f"**Objectives:** {text}")
    if link:
        st.page_link("pages/objectives.py", label="See the objectives", icon="🎯")


def compliance_line() -> None:
    """One line on the Overview: the share of repositories meeting the compliance policy."""
    from ospo_metrics.compliance.widgets import compliance_line as line

    line()
