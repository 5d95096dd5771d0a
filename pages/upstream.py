"""Upstream contributions: what our people give to projects we do not own, over one window:
pull requests opened and merged, merge rate, time to merge, reviews given, per project and per
person (privacy mode: counts only), the projects where we do most of the work, and trends."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.ui import impact

context = ui.context()
st.title("Upstream contributions")
ui.demo_banner(context)
data = ui.frames("all")

if ui.is_empty(data, "issues", "contributions"):
    ui.empty_state("Nothing has been collected yet.")
    st.stop()

window = impact.window_picker()
numbers = impact.upstream(window)
st.markdown(f"**{window.stated()}** · compared with {window.compared_with}")
st.caption(
    "Our employees' pull requests and reviews in upstream repositories (bots left out), for "
    "every scope: upstream projects belong to no scope of ours. Every number and table on this "
    "page covers this window."
)
impact.tiles(numbers["headlines"], window.compared_with)

projects, people = numbers["projects"], numbers["people"]
st.subheader("Per upstream project")
if projects.empty:
    ui.empty_state("No upstream pull requests or reviews by our people in this window.")
else:
    carried = projects[projects["our_share_pct"] > 50]
    st.markdown(
        "**Where our people make more than half of the contributions:** "
        + (
            ", ".join(ui.plain(str(r)) for r in carried["repo"])
            if len(carried)
            else "none (among projects whose other contributors are collected too)"
        )
    )
    ui.table(projects)
    ui.csv_button(projects, f"upstream-projects-{window.key}", key="projects_csv")

st.subheader("Per person")
if people.empty:
    st.caption("No one of ours contributed upstream in this window.")
elif ui.private():
    st.markdown(
        f"**{len(people)}** of our people contributed upstream in this window "
        f"(privacy mode: counts only, nobody is listed)."
    )
else:
    ui.table(people)
    ui.csv_button(people, f"upstream-people-{window.key}", key="people_csv")

st.subheader("Trend")
kpi_id = ui.kpi_picker(
    "Upstream KPI", key="upstream_kpi", ids=[h.kpi.id for h in numbers["headlines"]]
)
period = ui.period_picker()
series = ui.kpi_trend(kpi_id, data, period)
ui.csv_button(series, f"{kpi_id}-{period}", key="trend_csv")
