"""Impact summary: the executive's story over one stated window: headline numbers with their
comparison and four-quarter trends, compliance, objectives by impact goal, upstream projects;
the same as a printable HTML report, a PDF, and the numbers as CSV."""

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.report import html_to_pdf, impact_numbers, render_html
from ospo_metrics.report.pdf import chromium_path
from ospo_metrics.ui import impact

context = ui.context()
st.title("Impact summary")
ui.demo_banner(context)
data = ui.frames("all")

if ui.is_empty(data, "commits", "issues"):
    ui.empty_state("Nothing has been collected yet.")
    st.stop()

window = impact.window_picker()
summary = impact.summary(window)
st.markdown(f"**{window.stated()}** · compared with {window.compared_with}")
st.caption("Every number, chart and table on this page covers this window (UTC days).")
st.markdown(ui.plain(summary.story()))
ui.maturity_line()  # the OSPO maturity stage and its change (Maturity page)

impact.headlines(summary)

st.subheader("Objectives by impact goal")
impact.objectives_by_goal(summary)

st.subheader("Upstream projects")
if summary.projects.empty:
    ui.empty_state("No upstream pull requests or reviews by our people in this window.")
else:
    st.caption(
        f"{len(summary.projects)} projects; PRs merged add up to the headline "
        f"({int(summary.projects['prs_merged'].sum())})."
    )
    ui.table(summary.projects)


def _pdf() -> bytes:
    return html_to_pdf(render_html(summary))


name = f"open-source-impact-{window.key}"
html_column, pdf_column, csv_column = st.columns(3)
html_column.download_button(
    "Download the HTML report",
    data=lambda: render_html(summary).encode("utf-8"),
    file_name=ui.file_name(name, extension="html"),
    mime="text/html",
    on_click="ignore",
)
pdf_column.download_button(
    "Download the PDF report",
    data=_pdf,
    file_name=ui.file_name(name, extension="pdf"),
    mime="application/pdf",
    on_click="ignore",
    disabled=chromium_path() is None,
    help=None
    if chromium_path()
    else "Printing needs Chromium on the server (apt-get install "
    "chromium); the HTML report prints from any browser.",
)
with csv_column:
    ui.csv_button(impact_numbers(summary), f"{name}-numbers", "Download the numbers (CSV)")
