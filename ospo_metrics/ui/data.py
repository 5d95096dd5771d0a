"""The pages' data: the app context and cached loaders of the read side's frames.

Every page reads through these functions, so one cache serves them all and a page never opens
the database itself. Caches are keyed by the data version (ospo_metrics/read/version.py), not
a timer: the same data is never loaded twice, and a collection that finishes shows at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis.schema import Frames
from ospo_metrics import read
from ospo_metrics.config import Config, ConfigError
from ospo_metrics.context import Context, open_context
from ospo_metrics.db import DatabaseError
from ospo_metrics.objectives import ObjectiveView
from ospo_metrics.ui.untrusted import problem


@st.cache_resource(show_spinner=False)
def _context() -> Context:
    return open_context()


def context() -> Context:
    """The app's context; a broken configuration or database stops the page with the reason.
    A page opened without app.py (a deep link before navigation existed) is checked for
    sign-in here first."""
    from ospo_metrics import signin

    signin.ensure_checked()
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


def data_key(ctx: Context) -> str:
    """The current data version (with the rules that shape the frames): every cache here is
    keyed on it, so new data shows at once and the same data is never loaded twice."""
    return read.current_key(ctx.engine, ctx.database_url, ctx.rules)


# One data version in memory: the frames are the same object for every session and rerun
# (cache_resource, not cache_data, which would copy a million rows on every hit). Scoped
# frames and KPI series are kept beside them (read/memo.py).
# Each table is read the first time a view needs it (read/lazy.py), and what is computed from
# them is kept on disk too, so a new process reuses the results of the last `warm`.
@st.cache_resource(max_entries=1, show_spinner=False)
def _frames_of_version(database_url: str, key: str) -> Frames:
    return read.version_frames(_context(), key)


def frames(scope: str) -> Frames:
    """The KPI input frames of a scope (shared and read-only: derive, never modify)."""
    ctx = context()
    everything = _frames_of_version(ctx.database_url, data_key(ctx))
    return read.scoped_frames(everything, scope, ctx.groups)


def commits_table() -> pd.DataFrame:
    """Every commit's KPI columns and id (the details of shown rows: `commit_details`)."""
    return frames("all").commits


def issues_table() -> pd.DataFrame:
    """Every issue's and pull request's KPI columns and id (details: `issue_details`)."""
    return frames("all").issues


def repositories() -> list[str]:
    """Every repository with collected activity, sorted."""
    return read.repository_names(frames("all"))


def now() -> pd.Timestamp:
    """The moment every number on a page is computed for (UTC)."""
    return pd.Timestamp.now("UTC")


def objectives() -> list[ObjectiveView]:
    """The configured objectives evaluated now, worst first (each on its own scope)."""
    from ospo_metrics.strategy.objectives import current_objectives

    ctx = context()
    return current_objectives(list(ctx.config.objectives), frames("all"), ctx.groups, now())


# Written by `alerts` and `snapshot`, not by collections: a short ttl instead of the data key.
@st.cache_data(max_entries=2, ttl=300, show_spinner=False)
def _status_history(database_url: str) -> pd.DataFrame:
    from ospo_metrics.read.strategy import load_status_history

    return load_status_history(_context().engine)


def status_history(objective_id: str) -> pd.DataFrame:
    """The objective's stored weekly statuses, oldest first (empty before the first run of
    `ospo-metrics alerts` or `ospo-metrics snapshot`)."""
    history = _status_history(context().database_url)
    return history[history["objective"] == objective_id].drop(columns="objective")


@st.cache_data(max_entries=2, show_spinner=False)
def _runs(database_url: str, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = _context().engine
    return read.load_repositories(engine), read.load_runs(engine)


# A source needs attention when its latest run did not finish cleanly.
ATTENTION_STATUSES = ("failed", "interrupted", "partial", "abandoned")


def sources() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Repositories, the latest run of each collector and target, those of them needing
    attention, and the recent runs."""
    ctx = context()
    repositories, runs = _runs(ctx.database_url, data_key(ctx))
    latest = runs.drop_duplicates(["collector", "target"]) if len(runs) else runs
    return repositories, latest, current_failures(latest, ctx.config), runs


def current_failures(latest: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The latest runs needing attention, of sources the configuration still names (a source
    taken out of it is not a current failure; its runs stay in the history)."""
    from ospo_metrics.collect.targets import is_configured

    if latest.empty:
        return latest
    attention = latest["status"].isin(ATTENTION_STATUSES)
    pairs = zip(latest["collector"], latest["target"], strict=True)
    configured = pd.Series([is_configured(config, c, t) for c, t in pairs], index=latest.index)
    return latest[attention & configured.astype(bool)]


def unavailable(repositories: pd.DataFrame) -> pd.DataFrame:
    """Repositories the last collection could not read (deleted, renamed, hidden, blocked)."""
    if repositories.empty or "unavailable_reason" not in repositories:
        return repositories.head(0)
    return repositories[repositories["unavailable_reason"].notna()]
