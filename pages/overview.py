"""Overview: the weekly look: headline KPIs with their change, objectives, and one KPI's trend."""

import streamlit as st

from ospo_metrics import ui

COMMUNITY_TILES = (
    "commits",
    "active_contributors",
    "new_contributors",
    "employee_commit_share",
    "elephant_factor",
    "contributor_absence_factor",
)
GITHUB_TILES = (
    "time_to_first_response",
    "time_to_close",
    "change_requests_accepted",
    "change_request_closure_ratio",
    "upstream_prs_merged",
    "upstream_projects",
)

context = ui.context()
st.title("Overview")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()
data = ui.frames(scope)

if ui.is_empty(data, "commits", "issues"):
    ui.empty_state("No activity has been collected for this scope yet.")
    st.stop()

ui.kpi_tiles(COMMUNITY_TILES, data, period)
ui.excluded_note(data)
if not ui.is_empty(data, "issues"):
    ui.kpi_tiles(GITHUB_TILES, data, period)
ui.objectives_summary(ui.objectives())
ui.compliance_line()

st.subheader("Trend")
kpi_id = ui.kpi_picker()
series = ui.kpi_trend(kpi_id, data, period, scope)
ui.csv_button(series, f"{kpi_id}-{period}", scope=scope)
