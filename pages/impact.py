"""Impact summary: the executive's page: five numbers by quarter, objectives, upstream projects."""

from datetime import date

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.objectives import objectives_table
from ospo_metrics.report import HEADLINE_KPIS, render_html

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
    ui.table(table[["title", "goal", "baseline", "current", "target", "unit", "due", "status"]])
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
