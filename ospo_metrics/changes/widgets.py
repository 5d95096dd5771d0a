"""Streamlit pieces of the What changed page: counts with their change, the lists, the KPIs
that moved most (the numbers come from `weekly`, the same as `ospo-metrics changes`)."""

from __future__ import annotations

import streamlit as st

from ospo_metrics import ui
from ospo_metrics.changes.weekly import WeeklyChanges, shown_moves


def summary(changes: WeeklyChanges) -> None:
    ui.style()  # tile titles wrap, never cut, whichever way the page was opened
    cells = (
        (
            "New contributors",
            len(changes.new_contributors),
            changes.new_contributors_before,
            "up",
            "People whose first contribution of any kind was last week.",
        ),
        (
            "From other organizations",
            int(changes.other_organizations["new_contributors"].sum()),
            None,
            "up",
            "New contributors from real organizations other than ours.",
        ),
        (
            "Releases",
            len(changes.releases),
            changes.releases_before,
            "up",
            "Releases published (pre-releases included in the list, flagged).",
        ),
        (
            "Repositories created",
            len(changes.created),
            None,
            "neutral",
            "Repositories we own created last week.",
        ),
        (
            "Objectives changing status",
            len(changes.objectives.table),
            None,
            "neutral",
            "Objectives whose status at the end of last week differs from the week before.",
        ),
    )
    for column, (label, value, before, direction, text) in zip(
        st.columns(len(cells)), cells, strict=True
    ):
        with column:
            ui.count_tile(label, value, before, direction, text)


def section(title: str, frame, empty: str, note: str = "") -> None:
    st.subheader(title)
    if note:
        st.caption(note)
    elif frame.empty:
        st.caption(empty)
    else:
        ui.table(frame)


def objectives(changes: WeeklyChanges) -> None:
    st.subheader("Objectives whose status changed")
    if changes.objectives.note:
        st.caption(changes.objectives.note)
        return
    if changes.objectives.table.empty:
        st.caption("No objective changed status between the two weeks' ends.")
        return
    for row in changes.objectives.table.itertuples(index=False):
        st.markdown(
            f"**{ui.plain(row.title)}**: {ui.status_badge(row.status_before)} → "
            f"{ui.status_badge(row.status_after)}"
        )


def kpi_moves(changes: WeeklyChanges, scope: str) -> None:
    st.subheader("The KPIs that moved most")
    moves = changes.kpis
    if moves.empty:
        st.caption("No KPI has a value in both weeks.")
        return
    moved = shown_moves(moves)
    flagged = int(moves["history_changed"].sum())
    st.caption(
        "Last week against the week before, by the size of the change (from nothing to "
        "something first). Better/worse follows each KPI's good direction. "
        + (
            f"⚠ {flagged} KPI{'s' * (flagged != 1)} whose week before was reported "
            "differently then (listed, with a note): the history changed since."
            if flagged
            else "Every week-before value matches what was reported then."
        )
    )
    ui.table(
        moved.drop(columns=["kpi"]),
        column_config={
            "note": st.column_config.TextColumn("Note", width="large"),
            "title": st.column_config.TextColumn("KPI", width="medium"),
        },
    )
    ui.csv_button(moves, "kpi-changes", scope=scope, key="w_csv")
