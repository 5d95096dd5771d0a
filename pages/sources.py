"""Data sources: what was collected, when, with what result, and what to fix."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.formatting import format_time

context = ui.context()
st.title("Data sources")
ui.demo_banner(context)
repositories, latest, failed, runs = ui.sources()

if runs.empty:
    ui.empty_state("No collection has run yet.")
    st.stop()

left, middle, right = st.columns(3)
left.metric("Repositories", len(repositories))
middle.metric("Sources failing", len(failed))
right.metric("Last collection finished", format_time(latest["finished_at"].max()))

for run in failed.itertuples():
    ui.problem(f"{run.collector} · {run.target} ({run.status})", ui.shown_text(run.error))
for repo in ui.unavailable(repositories).itertuples():
    ui.problem(f"{repo.repo} is unavailable", repo.unavailable_reason)

st.subheader("Latest run per source")
ui.table(latest)
st.subheader("Repositories")
ui.table(repositories)
ui.csv_button(repositories, "repositories")
st.subheader("Recent runs")
ui.table(runs)
ui.csv_button(runs, "collection-runs")
