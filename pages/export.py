"""Explore and export: KPI series up to today (one or all of them), and every table the CLI
exports (`ospo-metrics export TABLE`, same columns), filtered, paged, as CSV."""

import streamlit as st

import kpis
from ospo_metrics import ui
from ospo_metrics.read.exports import EXPORTS
from ospo_metrics.report.series import complete, kpi_series
from ospo_metrics.ui import exports

context = ui.context()
st.title("Explore and export")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()

kpi_tab, commits_tab, issues_tab, tables_tab = st.tabs(
    ["KPI series", "Commits", "Issues and pull requests", "More tables"]
)

with kpi_tab:
    kpi_id = ui.kpi_picker()
    kpi = kpis.get(kpi_id)
    st.caption(f"{kpi.definition} Unit: {kpi.unit}.")
    if period not in kpi.periods:
        st.warning(f"{kpi.title} is not available per {period}.")
    else:
        series = kpi_series(kpi_id, ui.frames(scope), scope, period, ui.now())
        if complete(series)["value"].dropna().empty:
            ui.empty_state(f"No data for {kpi.title} yet.")
        st.caption(
            "Every period up to today: quiet periods are 0 for counts and empty where the KPI "
            "is undefined; `partial` marks the period still running."
        )
        ui.table(series)
        ui.csv_button(series, f"{kpi_id}-{period}", scope=scope, key="kpi_csv")
    ui.lazy_csv_button(
        lambda: exports.all_kpis(scope, period),
        f"all-kpis-{period}",
        False,
        label=f"Download every KPI per {period} for this scope (CSV)",
        scope=scope,
        key="all_kpis_csv",
    )

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
        lambda: ui.commits_csv(scope, since, until, employees_only),
        "commits",
        rows.empty,
        scope=scope,
    )

with issues_tab:
    kind_column, relationship_column, state_column = st.columns(3)
    kind = kind_column.radio("Kind", ui.ISSUE_KINDS, horizontal=True, key="kind")
    relationship = relationship_column.radio(
        "Repositories", ui.RELATIONSHIPS, horizontal=True, key="relationship"
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
        scope=scope,
    )

with tables_tab:
    names = [n for n in EXPORTS if n not in ("commits", "issues")]
    name = st.selectbox(
        "Table",
        names,
        index=names.index(ui.url_choice("table", names, names[0])),
        format_func=lambda n: EXPORTS[n].title,
        key="table",
    )
    ui.remember("table", name)
    spec = EXPORTS[name]
    left, middle, right = st.columns(3)
    first = last = None
    if spec.when:
        first = ui.date_filter("From", "table_since", left)
        last = ui.date_filter("To", "table_until", middle)
    text = right.text_input("Contains", key="table_contains", help="Any text column, any case.")
    everything = exports.export_rows(name, scope, first, last)
    rows = exports.containing(everything, text)
    st.caption(
        f"{len(rows):,} rows · `ospo-metrics export {name}` writes the same columns. {spec.note}"
    )
    if rows.empty:
        ui.empty_state(f"No {spec.title.lower()} match these filters.")
    exports.paged(rows, key=f"page_{name}")
    ui.csv_button(rows, name, scope=scope, key=f"{name}_csv")
