"""Compliance: which public repositories carry a license and the files the OSPO requires."""

import streamlit as st

from kpis.compliance import (
    REQUIRED_CHECKS,
    compliance_summary,
    coverage_by_check,
    failing_repositories,
)
from ospo_metrics import ui

context = ui.context()
st.title("Compliance")
ui.demo_banner(context)
checks = ui.compliance_checks()
summary = compliance_summary(checks)

if not summary["repositories"]:
    ui.empty_state(
        "No public, active repository has been checked yet: compliance comes from the GitHub "
        "community profile."
    )
    st.stop()

st.caption(
    "Public repositories we own, not archived and not forks, as of the last GitHub collection. "
    f"Required files: {', '.join(REQUIRED_CHECKS)}."
)
left, middle, right = st.columns(3)
left.metric("Repositories with every required file", f"{summary['compliant_pct']:.0f} %")
middle.metric(
    "License coverage",
    f"{summary['license_coverage_pct']:.0f} %",
    help="Repositories whose license GitHub recognises (an SPDX identifier).",
)
right.metric("Repositories needing attention", summary["failing"])

st.subheader("Coverage by required file")
coverage = coverage_by_check(checks)
ui.table(coverage)
ui.csv_button(coverage, "compliance-coverage")

st.subheader("Repositories missing something")
failing = failing_repositories(checks)
ui.table(failing)
ui.csv_button(failing, "compliance-failing")
