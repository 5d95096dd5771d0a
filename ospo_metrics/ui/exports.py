"""Widgets of the Explore and export page: the analyst's tables (read/exports.py, the same as
`ospo-metrics export TABLE`) read once per data version and filter, shown a page at a time, and
the KPI series run to today (report/series.py) with the bulk export of every KPI."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from ospo_metrics.read.exports import EXPORTS, export_table
from ospo_metrics.report.series import all_kpi_series
from ospo_metrics.ui.data import _context, context, data_key, frames, now
from ospo_metrics.ui.widgets import table

PAGE_ROWS = 500


@st.cache_resource(max_entries=6, show_spinner="Reading the table…")
def _rows(database_url: str, key: str, name: str, scope: str, since, until) -> pd.DataFrame:
    return export_table(_context(), frames(scope), name, scope, since, until)


def export_rows(
    name: str, scope: str, since: date | None = None, until: date | None = None
) -> pd.DataFrame:
    """The table `name` for a scope and days (shared and read-only: derive, never modify)."""
    ctx = context()
    spec = EXPORTS[name]
    if spec.when is None:
        since = until = None
    return _rows(ctx.database_url, data_key(ctx), name, scope, since, until)


def containing(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any text column contains `text` (case-insensitive); all rows for ""."""
    if not text or frame.empty:
        return frame
    columns = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) == "str"]
    if not columns:
        return frame
    hit = pd.Series(False, index=frame.index)
    for column in columns:
        hit |= (
            frame[column].astype("string").str.contains(text, case=False, regex=False).fillna(False)
        )
    return frame[hit]


def paged(frame: pd.DataFrame, key: str) -> None:
    """Show a large table PAGE_ROWS rows at a time, with a page number."""
    pages = max(1, -(-len(frame) // PAGE_ROWS))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                f"Page (of {pages:,}, {PAGE_ROWS} rows each)",
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key=key,
            )
        )
    first = (page - 1) * PAGE_ROWS
    table(frame.iloc[first : first + PAGE_ROWS])


def all_kpis(scope: str, period: str) -> pd.DataFrame:
    """Every KPI's series for a scope, to today (the bulk export; built when asked for)."""
    return all_kpi_series(frames(scope), scope, period, now())
