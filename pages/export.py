"""Explore and export: any KPI series or the commits table as CSV, with filters."""

import streamlit as st

import kpis
from ospo_metrics import ui

context = ui.context()
st.title("Explore and export")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()

kpi_tab, commits_tab = st.tabs(["KPI series", "Commits"])

with kpi_tab:
    kpi_id = ui.kpi_picker()
    kpi = kpis.get(kpi_id)
    st.caption(f"{kpi.definition} Unit: {kpi.unit}.")
    series = kpis.series(kpi_id, ui.frames(scope), period)
    if series.empty:
        ui.empty_state(f"No data for {kpi.title} yet.")
    ui.table(series)
    ui.csv_button(series, f"{kpi_id}-{period}")

with commits_tab:
    left, middle, right = st.columns(3)
    since = left.date_input("From", value=None, key="since")
    until = middle.date_input("To", value=None, key="until")
    employees_only = right.checkbox("Employees only", key="employees_only")
    rows = ui.filter_commits(ui.commits_table(), scope, since, until, employees_only)
    st.caption(f"{len(rows):,} commits")
    if rows.empty:
        ui.empty_state("No commits match these filters.")
    ui.table(rows, limit=5000)
    ui.csv_button(rows, "commits")
