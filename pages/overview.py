"""Overview: the weekly look: headline KPIs with their change, and one KPI's trend."""

import streamlit as st

from ospo_metrics import ui

TILES = (
    "commits",
    "active_contributors",
    "new_contributors",
    "employee_commit_share",
    "elephant_factor",
    "contributor_absence_factor",
)

context = ui.context()
st.title("Overview")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()
data = ui.frames(scope)

if data.commits.empty and data.issues.empty:
    ui.empty_state("No activity has been collected for this scope yet.")
    st.stop()

for column, kpi_id in zip(st.columns(len(TILES)), TILES, strict=True):
    with column:
        ui.kpi_tile(kpi_id, data, period)

ui.objectives_summary(ui.objectives())

st.subheader("Trend")
kpi_id = ui.kpi_picker()
series = ui.kpi_trend(kpi_id, data, period)
ui.csv_button(series, f"{kpi_id}-{period}")
