"""Public sector: do we publish what we build, do others reuse it, who co-develops it with us."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.report.public_sector import (
    NOT_MEASURED,
    PUBLIC_SECTOR_KPIS,
    outside_forks,
    public_sector_summary,
    values_table,
)

context = ui.context()
st.title("Public sector")
ui.demo_banner(context)
st.caption(
    "Publishing, reuse and co-development: the questions public administrations ask of their "
    "OSPO. Labelled for the public sector, these KPIs mean the same for any organization."
)
scope = ui.scope_picker(context)
period = ui.period_picker()
data = ui.frames(scope)

if ui.is_empty(data, "repositories", "contributions"):
    ui.empty_state("No repositories or contributions have been collected for this scope yet.")
    st.stop()

ui.kpi_tiles(PUBLIC_SECTOR_KPIS, data, period)
summary = public_sector_summary(data, ui.now(), period)
ui.csv_button(values_table(summary), f"public-sector-{period}", scope=scope, key="values")

st.subheader("Partner organizations' share of contributions")
if summary.shares.empty:
    ui.empty_state("No contributions by people of other organizations yet.")
else:
    ui.partner_share_chart(summary.shares, period)
    ui.table(summary.shares)
    ui.csv_button(summary.shares, f"partner-shares-{period}", scope=scope, key="shares")

st.subheader("Forks by others")
forks = outside_forks(data)
if forks.empty:
    ui.empty_state(
        "No forks by accounts outside the organization yet (or none collected: the GitHub "
        "collector lists the forks of every repository we own that has any)."
    )
else:
    ui.kpi_trend("external_forks", data, period, scope)
    ui.table(forks)
    ui.csv_button(forks, "outside-forks", scope=scope, key="forks")

st.subheader("Publishing ratio over time")
series = ui.kpi_trend("publishing_ratio", data, period, scope)
st.caption(NOT_MEASURED)
