"""The pages' data: the app context and cached loaders of the query layer's frames.

Every page reads through these functions, so one cache serves them all and a page never opens
the database itself. Frames are cached per database URL (a few minutes): a collection that
finishes meanwhile shows up on the next load after that.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis.schema import Frames
from ospo_metrics.config import ConfigError
from ospo_metrics.context import Context, open_context
from ospo_metrics.db import DatabaseError
from ospo_metrics.objectives import ObjectiveView, evaluate_objectives
from ospo_metrics.people.contributions import load_contributions
from ospo_metrics.queries import (
    frames_from_tables,
    load_commits_table,
    load_issues_table,
    scoped_frames,
)
from ospo_metrics.ui.untrusted import problem


@st.cache_resource(show_spinner=False)
def _context() -> Context:
    return open_context()


def context() -> Context:
    """The app's context; a broken configuration or database stops the page with the reason."""
    try:
        return _context()
    except (ConfigError, DatabaseError) as exc:
        problem("ospo-metrics cannot start:", str(exc))
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def ensure_first_data(ctx: Context) -> None:
    """With the demo configuration, build whatever part of the demo the database lacks (all of
    it on a first start; nothing on a restart)."""
    if not ctx.is_demo:
        return
    from ospo_metrics.demo import build_demo_data, missing_demo_parts

    if not missing_demo_parts(ctx):
        return
    with st.spinner("First start: building the demo organization (git history, GitHub data)…"):
        build_demo_data(ctx)
    st.cache_data.clear()


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _tables(database_url: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ctx = _context()
    commits = load_commits_table(ctx.engine, ctx.rules)
    issues = load_issues_table(ctx.engine, ctx.rules)
    return commits, issues, load_contributions(ctx.engine, ctx.rules, commits, issues)


def commits_table() -> pd.DataFrame:
    return _tables(context().database_url)[0]


def issues_table() -> pd.DataFrame:
    return _tables(context().database_url)[1]


def frames(scope: str) -> Frames:
    """Every KPI input frame (activity and compliance), restricted to `scope`."""
    from ospo_metrics.compliance.read import with_compliance

    ctx = context()
    commits, issues, contributions = _tables(ctx.database_url)
    data = with_compliance(
        frames_from_tables(commits, issues, contributions), _compliance_tables(ctx.database_url)
    )
    return scoped_frames(data, scope, ctx.groups)


def now() -> pd.Timestamp:
    """The moment every number on a page is computed for (UTC)."""
    return pd.Timestamp.now("UTC")


def objectives() -> list[ObjectiveView]:
    """The configured objectives evaluated today, worst first (each on its own scope)."""
    ctx = context()
    return evaluate_objectives(list(ctx.config.objectives), frames("all"), ctx.groups, now())


@st.cache_data(ttl=60, max_entries=4, show_spinner=False)
def _runs(database_url: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    from ospo_metrics.queries import load_repositories, load_runs

    engine = _context().engine
    return load_repositories(engine), load_runs(engine)


# A source needs attention when its latest run did not finish cleanly.
ATTENTION_STATUSES = ("failed", "interrupted", "partial", "abandoned")


def sources() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Repositories, the latest run of each collector and target, those of them needing
    attention, and the recent runs."""
    repositories, runs = _runs(context().database_url)
    latest = runs.drop_duplicates(["collector", "target"]) if len(runs) else runs
    failing = latest[latest["status"].isin(ATTENTION_STATUSES)] if len(latest) else latest
    return repositories, latest, failing, runs


def unavailable(repositories: pd.DataFrame) -> pd.DataFrame:
    """Repositories the last collection could not read (deleted, renamed, hidden, blocked)."""
    if repositories.empty or "unavailable_reason" not in repositories:
        return repositories.head(0)
    return repositories[repositories["unavailable_reason"].notna()]


@st.cache_data(ttl=300, max_entries=4, show_spinner=False)
def _compliance_tables(database_url: str) -> dict[str, pd.DataFrame]:
    from ospo_metrics.compliance.read import load_compliance_frames

    ctx = _context()
    return load_compliance_frames(ctx.engine, ctx.config)
