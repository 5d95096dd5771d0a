"""Explore and export: any KPI series or the commits table as CSV, with filters."""

import streamlit as st

import kpis
from ospo_metrics import ui

context = ui.context()
st.title("Explore and export")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()

kpi_tab, commits_tab, issues_tab = st.tabs(["KPI series", "Commits", "Issues and pull requests"])

with kpi_tab:
    kpi_id = ui.kpi_picker()
    kpi = kpis.get(kpi_id)
    st.caption(f"{kpi.definition} Unit: {kpi.unit}.")
    series = ui.series(kpi_id, ui.frames(scope), period)
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
    st.caption(f"{len(rows):,} commits" + (", the first 5,000 shown" if len(rows) > 5000 else ""))
    if rows.empty:
        ui.empty_state("No commits match these filters.")
    ui.table(ui.commit_details(rows, limit=5000))
    ui.lazy_csv_button(
        lambda: ui.commits_csv(scope, since, until, employees_only), "commits", rows.empty
    )

with issues_tab:
    kind_column, relationship_column, state_column = st.columns(3)
    kind = kind_column.radio("Kind", ui.ISSUE_KINDS, horizontal=True, key="kind")
    relationship = relationship_column.radio(
        "Repositories", ("owned", "upstream", "both"), horizontal=True, key="relationship"
    )
    state = state_column.selectbox("State", ui.STATES, key="state")
    left, right = st.columns(2)
    created_from = left.date_input("Created from", value=None, key="created_from")
    created_to = right.date_input("Created to", value=None, key="created_to")
    items = ui.filter_issues(
        ui.issues_table(), scope, kind, relationship, state, created_from, created_to
    )
    st.caption(f"{len(items):,} {kind}" + (", the first 5,000 shown" if len(items) > 5000 else ""))
    if items.empty:
        ui.empty_state("No issues or pull requests match these filters.")
    shown = ui.issue_details(items, limit=5000)
    ui.table(shown)
    ui.lazy_csv_button(
        lambda: ui.issues_csv(scope, kind, relationship, state, created_from, created_to),
        "issues-and-pull-requests",
        items.empty,
    )
