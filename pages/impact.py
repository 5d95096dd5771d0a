"""Impact summary: the executive's page: five numbers by quarter, objectives, upstream projects."""

from datetime import date

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.objectives import objectives_table
from ospo_metrics.report import HEADLINE_KPIS, render_html
from ospo_metrics.strategy.goals import ROLLUP_RULE, goal_summaries

context = ui.context()
st.title("Impact summary")
ui.demo_banner(context)
data = ui.frames("all")

if data.commits.empty and data.issues.empty:
    ui.empty_state("Nothing has been collected yet.")
    st.stop()

summary = ui.impact_summary()
st.caption("Last complete quarter, compared with the quarter before.")
ui.kpi_tiles(HEADLINE_KPIS, data, "quarter")

st.subheader("Objectives")
if summary.objectives:
    ui.objectives_summary(summary.objectives)
    table = objectives_table(summary.objectives)
    for goal in goal_summaries(summary.objectives):
        st.markdown(f"**{ui.STATUS_ICONS[goal.status]} {ui.plain(goal.title)}** — {goal.status}")
        rows = table[table["goal"] == goal.goal]
        ui.table(rows[["title", "baseline", "current", "target", "unit", "due", "status"]])
    st.caption(f"Goals: {ROLLUP_RULE}")
else:
    st.info("No objectives are configured (`objectives:` in `ospo.yml`).", icon="🎯")

st.subheader("Top upstream projects (last 12 months)")
if summary.top_projects.empty:
    ui.empty_state("No upstream pull requests by our people in the last year.")
else:
    ui.table(summary.top_projects)

st.download_button(
    "Download the HTML report",
    data=render_html(summary).encode("utf-8"),
    file_name=f"open-source-impact-{date.today():%Y%m%d}.html",
    mime="text/html",
)
