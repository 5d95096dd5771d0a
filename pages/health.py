"""Project health: one row per repository we own, what needs attention and why, and one
repository in detail."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.health import views, widgets

context = ui.context()
st.title("Project health")
ui.demo_banner(context)
scope = ui.scope_picker(context)
data = ui.frames(scope)
table = widgets.table_of(data)

if table.empty:
    ui.empty_state("No repository we own has been collected for this scope yet.")
    st.stop()

health = context.config.health
st.caption(
    f"As of {views.as_of(ui.now()):%Y-%m-%d %H:%M} UTC. Stale: no commit and no push for "
    f"{health.stale_after_days} days (`health.stale_after_days`; exemptions by name or topic "
    f"under `health.exemptions`). Response target: {health.response_target_hours:g} hours. "
    "Windows: the last 90 days; the sparkline shows the last 12 complete weeks."
)
widgets.summary(table)
rows = widgets.filters(table)
widgets.health_table(rows, scope)

st.subheader("One repository")
repo = widgets.repository_picker(rows)
if repo is None:
    st.info("No repository matches the filters.", icon="🔎")
    st.stop()
row = rows.set_index("repo").loc[repo]
widgets.drill_down(ui.frames(f"repo:{repo}"), repo, row, scope)
