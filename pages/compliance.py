"""Compliance: what each repository's policy requires and whether it has it, over time."""

import streamlit as st

import kpis
from kpis.compliance import coverage_by_check, fix_first
from ospo_metrics import ui
from ospo_metrics.compliance import widgets

context = ui.context()
st.title("Compliance")
ui.demo_banner(context)
scope = ui.scope_picker(context)
period = ui.period_picker()
data = ui.frames(scope)
long = widgets.matrix(data)

if long.empty:
    ui.empty_state(
        "No repository in this scope is held to the policy yet (public, active, non-fork "
        "repositories we own). Compliance comes from the repositories' files (`ospo-metrics "
        "collect files`), the GitHub community profile, Scorecard results and SBOMs."
    )
    st.stop()

st.caption(
    f"As of {widgets.as_of(data):%Y-%m-%d %H:%M} UTC. Policy and exemptions: `compliance:` in "
    "the configuration; tiles compare the last complete period with the one before."
)
ui.kpi_tiles(widgets.COMPLIANCE_TILES, data, period)

st.subheader("Fix first")
first = fix_first(long)
if first.empty:
    st.success("Every required check passes or is exempt.", icon="✅")
else:
    ui.table(first)
    ui.csv_button(first, "compliance-fix-first", scope=scope)

st.subheader("Repositories and checks")
widgets.matrix_section(long)

st.subheader("Coverage by check")
coverage = coverage_by_check(long)
widgets.status_chart(long)
ui.table(coverage)
ui.csv_button(coverage, "compliance-coverage", scope=scope)

st.subheader("Trend")
kpi_id = st.selectbox(
    "Compliance KPI",
    widgets.COMPLIANCE_TILES,
    format_func=lambda i: kpis.get(i).title,
    key="c_trend",
)
series = ui.kpi_trend(kpi_id, data, period, scope)
ui.csv_button(series, f"{kpi_id}-{period}", scope=scope)

st.subheader("OpenSSF Scorecard")
widgets.scorecard_section(data, period, scope)

st.subheader("Dependency licenses")
widgets.dependency_section(data, period, scope)

st.subheader("Libyears: how far our dependencies lag behind")
widgets.libyears_section(data, period, scope)

st.subheader("Dependencies we rely on but never contribute to")
widgets.never_contributed_section(data, scope)
