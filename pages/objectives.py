"""Objectives: baseline -> current -> target for each strategic objective, with its status."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.objectives import objectives_table

context = ui.context()
st.title("Objectives")
ui.demo_banner(context)
views = ui.objectives()

if not views:
    st.info(
        "No objectives are configured. Add an `objectives:` section to `ospo.yml` "
        "(see `ospo.example.yml`): a KPI, a scope, a baseline, a target and a due date.",
        icon="🎯",
    )
    st.stop()

ui.objectives_summary(views, link=False)
table = objectives_table(views)
ui.table(table[ui.OBJECTIVE_COLUMNS])
ui.csv_button(table, "objectives")

for view in views:
    icon = ui.STATUS_ICONS[view.result.status]
    with st.expander(f"{icon} {ui.plain(view.objective.title)} — {view.result.status}"):
        st.text(view.result.explanation)
        st.caption(
            f"KPI `{view.objective.kpi}` on `{view.objective.scope}`, "
            f"aggregation `{view.objective.aggregation or 'latest'}`, due {view.objective.due}."
        )
        ui.objective_chart(view)
