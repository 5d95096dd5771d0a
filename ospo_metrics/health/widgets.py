"""Streamlit pieces of the Project health page: summary, filters, the table, the drill-down.

The numbers come from `views` (so from `kpis.health`), the same ones `ospo-metrics health`
prints; these only lay them out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpis.schema import Frames
from ospo_metrics import ui
from ospo_metrics.health import views


def table_of(data: Frames) -> pd.DataFrame:
    return views.health_table(data, ui.context().config, ui.now())


def summary(table: pd.DataFrame) -> None:
    """Four counts over the scope's repositories (no change arrows: these are states)."""
    ui.style()  # tile titles wrap, never cut, whichever way the page was opened
    active = table[~table["is_archived"]]
    exempt = active["stale_note"].str.startswith("exempt")
    cells = (
        ("Repositories", len(table), "Repositories we own in this scope (archived included)."),
        (
            "Need attention",
            int((active["attention_score"] > 0).sum()),
            "Repositories with an attention score above 0 (see the reasons in the table).",
        ),
        ("Stale", int(active["stale"].sum()), "No commit and no push for longer than the limit."),
        ("Exempt from the stale rule", int(exempt.sum()), "Quiet on purpose, until a date."),
    )
    for column, (label, value, text) in zip(st.columns(len(cells)), cells, strict=True):
        column.metric(label, f"{value:,}", help=text)


def filters(table: pd.DataFrame) -> pd.DataFrame:
    """Search, attention-only, stale-only and sort, kept in the URL; returns the rows kept."""
    left, middle, right = st.columns([2, 1, 1])
    text = left.text_input("Repository contains", value=ui.url_value("h_text") or "", key="h_text")
    ui.remember("h_text", text)
    with middle:
        attention = ui.checkbox("Only those needing attention", key="h_attention")
        stale = ui.checkbox("Only stale ones", key="h_stale")
    with right:
        sort = ui.choice("Sort by", list(views.SORTS), key="h_sort")
    return views.filter_table(table, text, attention, stale, sort)


def health_table(rows: pd.DataFrame, scope: str) -> None:
    """The table (sortable by its headers too) and the CSV of exactly what it shows."""
    ui.table(
        views.shown(rows),
        column_config={
            "activity": st.column_config.LineChartColumn(
                ui.column_label("activity"), y_min=0, width="medium"
            ),
            "attention_score": st.column_config.NumberColumn(
                ui.column_label("attention_score"), format="%d"
            ),
            "stale": st.column_config.CheckboxColumn("Stale"),
            "last_commit_at": st.column_config.DatetimeColumn("Last commit", format="YYYY-MM-DD"),
            "last_push_at": st.column_config.DatetimeColumn("Last push", format="YYYY-MM-DD"),
            "last_release_at": st.column_config.DatetimeColumn(
                ui.column_label("last_release_at"), format="YYYY-MM-DD"
            ),
            "attention_reasons": st.column_config.TextColumn(
                ui.column_label("attention_reasons"),
                width="medium",
                help="Every rule the repository breaks, with its points (the drill-down below "
                "spells them out for one repository).",
            ),
        },
    )
    ui.csv_button(views.as_csv(rows), "project-health", scope=scope, key="h_csv")


def repository_picker(rows: pd.DataFrame) -> str | None:
    """Which repository to look into (kept in the URL as `h_repo`), among the rows shown."""
    names = rows["repo"].tolist()
    if not names:
        return None
    chosen = ui.url_value("h_repo")
    index = names.index(chosen) if chosen in names else 0
    repo = st.selectbox("Repository", names, index=index, key="h_repo")
    ui.remember("h_repo", repo)
    return repo


def _bar_figure(table: pd.DataFrame) -> go.Figure:
    figure = go.Figure()
    for organization, part in table.groupby("organization"):
        figure.add_bar(
            x=pd.to_datetime(part["period_start"]),
            y=part["contributors"],
            name=str(organization),
            hovertemplate=f"{organization}: %{{y}} people<extra>%{{x|%B %Y}}</extra>",
        )
    figure.update_layout(
        barmode="stack",
        title={"text": "Active contributors per month, by organization (people)", "x": 0},
        xaxis_title="month (the month in progress is left out)",
        yaxis_title="people",
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        legend={"orientation": "h", "y": -0.25},
    )
    return figure


def _response_figure(answered: pd.Series, target: float) -> go.Figure:
    figure = go.Figure()
    figure.add_histogram(
        x=answered,
        nbinsx=40,
        name="items",
        hovertemplate="%{x} h: %{y} items<extra></extra>",
    )
    figure.add_vline(
        x=target, line_dash="dash", line_color="red", annotation_text=f"target {target:g} h"
    )
    figure.update_layout(
        title={
            "text": f"Time to first response, items opened in the last {views.DRILL_DOWN_DAYS} "
            "days (hours)",
            "x": 0,
        },
        xaxis_title="hours to the first response",
        yaxis_title="items",
        margin={"t": 50, "b": 10, "l": 10, "r": 10},
        showlegend=False,
    )
    return figure


def drill_down(data: Frames, repo: str, row: pd.Series, scope: str) -> None:
    """One repository: contributors by organization, response times, missed items, releases."""
    config = ui.context().config
    if row["attention_reasons"]:
        st.markdown("**Why it needs attention:** " + ui.plain(row["attention_reasons"]))
    else:
        st.markdown("**Nothing needs attention here.**")
    shown_repository = views.drill_down(data, config, ui.now())
    contributors = shown_repository.contributors
    if contributors.empty:
        ui.empty_state(f"No contributions to {repo} in the last 24 months.")
    else:
        st.plotly_chart(_bar_figure(contributors), width="stretch", key="h_orgs")
    responses = shown_repository.responses
    answered = responses["response_hours"].dropna()
    target = config.health.response_target_hours
    if answered.empty:
        st.caption(f"No issue or pull request opened in {repo} in the last year got a response.")
    else:
        st.plotly_chart(_response_figure(answered, target), width="stretch", key="h_ttfr")
    late = shown_repository.late
    st.markdown(
        f"**Missed the {target:g}-hour response target** (opened in the last "
        f"{views.DRILL_DOWN_DAYS} days): {len(late):,} of {len(responses):,} items"
    )
    if len(late):
        shown = late.head(views.LATE_SHOWN)
        details = ui.issue_details(shown, len(shown))
        if len(details):
            keep = ["repo", "number", "hours", "answered"]
            shown = shown[keep].merge(details, on=["repo", "number"], how="left")
            shown = shown[
                [
                    "number",
                    "title",
                    "is_pull_request",
                    "state",
                    "created_at",
                    "hours",
                    "answered",
                    "html_url",
                ]
            ].sort_values("hours", ascending=False)
        ui.table(shown.rename(columns={"hours": "response_or_waiting_hours"}))
        ui.csv_button(late, f"missed-response-{repo}", scope=scope, key="h_missed_csv")
    releases = shown_repository.releases
    st.markdown(f"**Releases:** {len(releases):,}")
    if len(releases):
        ui.table(releases, limit=50)
