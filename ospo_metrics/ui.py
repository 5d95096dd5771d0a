"""Shared Streamlit widgets: cached loaders, filters kept in the URL, KPI tiles, CSV buttons.

Pages call these and `kpis`; all reshaping for display lives here so pages stay a few lines.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import streamlit as st

import kpis
from kpis.schema import Frames
from ospo_metrics.config import ConfigError
from ospo_metrics.context import Context, open_context
from ospo_metrics.db import DatabaseError, is_empty
from ospo_metrics.export import to_csv
from ospo_metrics.formatting import format_delta, format_value
from ospo_metrics.objectives import ObjectiveView, evaluate_objectives
from ospo_metrics.queries import (
    frames_from_tables,
    load_commits_table,
    load_issues_table,
    rows_in,
    scoped_frames,
)
from ospo_metrics.report import ImpactSummary
from ospo_metrics.report import impact_summary as build_impact_summary

PERIODS = ("week", "month", "quarter")
PERIOD_WORDS = {"week": "last week", "month": "last month", "quarter": "last quarter"}


@st.cache_resource(show_spinner=False)
def _context() -> Context:
    return open_context()


def context() -> Context:
    """The app's context; a broken configuration or database stops the page with the reason."""
    try:
        return _context()
    except (ConfigError, DatabaseError) as exc:
        st.error(f"ospo-metrics cannot start:\n\n```\n{exc}\n```")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def ensure_first_data(ctx: Context) -> None:
    """On an empty database with the demo configuration, collect the demo repositories."""
    if not ctx.is_demo or not is_empty(ctx.engine):
        return
    from ospo_metrics.collect import collect_git_sources

    with st.spinner("First start: collecting the demo organization's git history…"):
        collect_git_sources(ctx)
    st.cache_data.clear()


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _tables(database_url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    ctx = _context()
    return load_commits_table(ctx.engine, ctx.rules), load_issues_table(ctx.engine, ctx.rules)


def commits_table() -> pd.DataFrame:
    return _tables(context().database_url)[0]


def issues_table() -> pd.DataFrame:
    return _tables(context().database_url)[1]


def frames(scope: str) -> Frames:
    ctx = context()
    commits, issues = _tables(ctx.database_url)
    return scoped_frames(frames_from_tables(commits, issues), scope, ctx.groups)


def demo_banner(ctx: Context) -> None:
    if ctx.is_demo:
        st.info(
            "**Demo data.** This is the generated *Acme (demo)* organization. Write an `ospo.yml` "
            "(see `ospo.example.yml`) and run `ospo-metrics collect` to see your own.",
            icon="🧪",
        )


def _url_choice(key: str, options: list[str], default: str) -> str:
    value = st.query_params.get(key, default)
    return value if value in options else default


def scope_picker(ctx: Context, key: str = "scope") -> str:
    """Scope filter (all, a group, a repository), kept in the URL so a link shares it."""
    repositories = set(commits_table()["repo"]) | set(issues_table()["repo"])
    options = ["all"] + [f"org:{login}" for login in ctx.config.organizations]
    options += [f"group:{g}" for g in ctx.groups]
    options += [f"repo:{r}" for r in sorted(repositories)]
    choice = st.sidebar.selectbox(
        "Scope", options, index=options.index(_url_choice(key, options, "all")), key=key
    )
    st.query_params[key] = choice
    return choice


def period_picker(key: str = "period") -> str:
    choice = st.sidebar.radio(
        "Period",
        PERIODS,
        index=PERIODS.index(_url_choice(key, list(PERIODS), "week")),
        horizontal=True,
        key=key,
    )
    st.query_params[key] = choice
    return choice


def kpi_tile(kpi_id: str, data: Frames, period: str, now: pd.Timestamp | None = None) -> None:
    """A metric tile: the last complete period's value and its change from the one before."""
    kpi = kpis.get(kpi_id)
    now = now or pd.Timestamp.now("UTC")
    # The series runs up to now, so quiet recent periods read as such, not as the last busy one.
    change = kpis.latest_change(kpis.series(kpi.id, data, period, end=now), now)
    value = format_value(change.value, kpi.unit)
    delta = format_delta(change.delta, kpi.unit)
    when = (
        f"{period} of {change.period_start:%Y-%m-%d}"
        if change.period_start is not None
        else f"{PERIOD_WORDS[period]}: no data"
    )
    st.metric(
        kpi.title,
        value,
        delta,
        delta_color={"up": "normal", "down": "inverse", "neutral": "off"}[kpi.direction],
        help=f"{kpi.definition}\n\nUnit: {kpi.unit}. Last complete {when}, compared with "
        f"the {period} before." + (f"\n\nCHAOSS: {kpi.chaoss}" if kpi.chaoss else ""),
    )
    st.caption(when)


def kpi_tiles(kpi_ids: tuple[str, ...], data: Frames, period: str) -> None:
    """A row of KPI tiles."""
    for column, kpi_id in zip(st.columns(len(kpi_ids)), kpi_ids, strict=True):
        with column:
            kpi_tile(kpi_id, data, period)


def kpi_trend(kpi_id: str, data: Frames, period: str) -> pd.DataFrame:
    """A line chart of a KPI series; returns the series so the page can offer it as CSV."""
    kpi = kpis.get(kpi_id)
    series = kpis.series(kpi.id, data, period)
    if series.empty:
        empty_state(f"No data for {kpi.title} yet.")
        return series
    figure = px.line(series, x="period_start", y="value", markers=True)
    figure.update_layout(
        xaxis_title=f"{period} starting", yaxis_title=kpi.unit, margin={"t": 10, "b": 10}
    )
    st.plotly_chart(figure, width="stretch")
    return series


def kpi_picker(label: str = "KPI", needs: str | None = None, key: str = "kpi") -> str:
    ids = [k.id for k in kpis.REGISTRY.values() if needs is None or needs in k.needs]
    return st.selectbox(
        label,
        ids,
        index=ids.index(_url_choice(key, ids, ids[0])),
        format_func=lambda i: kpis.get(i).title,
        key=key,
    )


def csv_button(frame: pd.DataFrame, name: str, label: str = "Download CSV") -> None:
    st.download_button(
        label,
        data=to_csv(frame).encode("utf-8"),
        file_name=f"{name}-{date.today():%Y%m%d}.csv",
        mime="text/csv",
        disabled=frame.empty,
    )


def table(frame: pd.DataFrame, limit: int | None = None) -> None:
    """Show a frame; KPI series carry pandas attrs (period kind) that Arrow cannot serialize."""
    shown = frame.head(limit) if limit else frame.copy()
    shown.attrs = {}
    st.dataframe(shown, width="stretch", hide_index=True)


def empty_state(message: str) -> None:
    st.info(
        f"{message} Collect data with `ospo-metrics collect` (or `ospo-metrics demo`), "
        "then reload.",
        icon="📭",
    )


def filter_commits(
    table: pd.DataFrame, scope: str, since: date | None, until: date | None, employees_only: bool
) -> pd.DataFrame:
    rows = rows_in(table, scope, context().groups, when="authored_at", since=since, until=until)
    if employees_only:
        rows = rows[rows["is_employee"]]
    return rows


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _runs(database_url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ospo_metrics.queries import load_repositories, load_runs

    engine = _context().engine
    return load_repositories(engine), load_runs(engine)


# A source needs attention when its latest run did not finish cleanly.
ATTENTION_STATUSES = ("failed", "interrupted", "partial")


def sources() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Repositories, the latest run of each collector and target, those of them needing
    attention, and the recent runs."""
    repositories, runs = _runs(context().database_url)
    latest = runs.drop_duplicates(["collector", "target"]) if len(runs) else runs
    failing = latest[latest["status"].isin(ATTENTION_STATUSES)] if len(latest) else latest
    return repositories, latest, failing, runs


# What the Objectives page shows; the CSV download has every column.
OBJECTIVE_COLUMNS = [
    "title",
    "status",
    "scope",
    "baseline",
    "current",
    "target",
    "unit",
    "progress_pct",
    "due",
]

STATUS_ICONS = {
    "met": "✅",
    "on track": "🟢",
    "at risk": "🟠",
    "off track": "🔴",
    "missed": "⛔",
    "no data": "⚪",
}


def objectives() -> list[ObjectiveView]:
    """The configured objectives evaluated today, worst first (each on its own scope)."""
    ctx = context()
    return evaluate_objectives(
        list(ctx.config.objectives), frames("all"), ctx.groups, pd.Timestamp.now("UTC")
    )


def objectives_summary(views: list[ObjectiveView], link: bool = True) -> None:
    """One line: how many objectives are in each status, linking to the Objectives page."""
    if not views:
        return
    counts: dict[str, int] = {}
    for view in views:
        counts[view.result.status] = counts.get(view.result.status, 0) + 1
    text = " · ".join(f"{STATUS_ICONS[s]} {n} {s}" for s, n in counts.items())
    st.markdown(f"**Objectives:** {text}")
    if link:
        st.page_link("pages/objectives.py", label="See the objectives", icon="🎯")


def objective_chart(view: ObjectiveView) -> None:
    """What the objective measures since its start, with baseline, target, trend and due date."""
    objective, result = view.objective, view.result
    points = result.trajectory
    if points.empty:
        empty_state("No data for this objective's KPI and scope since its start yet.")
        return
    figure = px.line(points, x="date", y="value", markers=True)
    due = pd.Timestamp(objective.due)
    if result.projected is not None:
        last = points.iloc[-1]
        figure.add_scatter(
            x=[last["date"], due],
            y=[last["value"], result.projected],
            mode="lines",
            line={"dash": "dash", "color": "gray"},
            name="trend",
        )
    figure.add_hline(
        y=objective.target, line_dash="dash", line_color="green", annotation_text="target"
    )
    figure.add_hline(
        y=objective.baseline.value, line_dash="dot", line_color="gray", annotation_text="baseline"
    )
    figure.add_vline(x=due, line_dash="dot", line_color="red")
    figure.update_layout(
        xaxis_title="end of period",
        yaxis_title=view.unit,
        showlegend=False,
        margin={"t": 10, "b": 10},
    )
    st.plotly_chart(figure, width="stretch")


ISSUE_KINDS = ("pull requests", "issues", "both")
STATES = ("any", "open", "closed", "merged")


def filter_issues(
    table: pd.DataFrame,
    scope: str,
    kind: str,
    relationship: str,
    state: str,
    since: date | None,
    until: date | None,
) -> pd.DataFrame:
    """Issues and pull requests by scope, kind, owned/upstream, state and creation date."""
    rows = rows_in(table, scope, context().groups, when="created_at", since=since, until=until)
    if rows.empty:
        return rows
    if kind != "both":
        rows = rows[rows["is_pull_request"] == (kind == "pull requests")]
    if relationship != "both":
        rows = rows[rows["relationship"] == relationship]
    if state != "any":
        rows = rows[rows["state"] == state]
    return rows


def impact_summary() -> ImpactSummary:
    """The executive summary of everything collected, as of today."""
    ctx = context()
    return build_impact_summary(
        frames("all"), objectives(), pd.Timestamp.now("UTC"), ctx.organization_name, ctx.is_demo
    )


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _compliance(database_url: str) -> pd.DataFrame:
    from ospo_metrics.queries import load_compliance

    return load_compliance(_context().engine)


def compliance_checks() -> pd.DataFrame:
    return _compliance(context().database_url)


def compliance_line() -> None:
    """One line on the Overview: the share of public repositories with every required file."""
    from kpis.compliance import compliance_summary

    summary = compliance_summary(compliance_checks())
    if not summary["repositories"]:
        return
    st.markdown(
        f"**Compliance:** {summary['compliant_pct']:.0f} % of {summary['repositories']} public "
        f"repositories have every required file; {summary['failing']} need attention."
    )
    st.page_link("pages/compliance.py", label="See compliance", icon="📋")
