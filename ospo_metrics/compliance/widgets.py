"""Streamlit pieces of the Compliance page (and its line on the Overview).

Pages stay thin: they call these, which call `kpis.compliance` / `kpis.supply_chain` on the
frames `ospo_metrics.ui` loads, so the page, the CLI and the CSV read the same numbers.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from kpis.compliance import (
    EXEMPT,
    FAIL,
    PASS,
    UNKNOWN,
    matrix_table,
)
from kpis.schema import Frames
from ospo_metrics import ui
from ospo_metrics.compliance import views

STATUSES = (PASS, FAIL, EXEMPT, UNKNOWN)
COMPLIANCE_TILES = (
    "policy_compliance",
    "license_coverage",
    "osi_approved_licenses",
    "required_files_coverage",
)


def as_of(data: Frames) -> pd.Timestamp:
    """The moment the page describes: the last time anything was observed, else now."""
    return views.as_of(data)


def matrix(data: Frames) -> pd.DataFrame:
    """The repository x check matrix as of `as_of` (shared: derive, never modify)."""
    return views.compliance_view(data, "matrix")


def matrix_section(long: pd.DataFrame) -> None:
    """The repository x check matrix with filters, and the filtered rows as CSV."""
    left, middle, right = st.columns(3)
    statuses = left.multiselect("Status", STATUSES, default=list(STATUSES), key="c_status")
    checks = middle.multiselect(
        "Checks",
        sorted(long["check"].unique()),
        default=[],
        key="c_checks",
        placeholder="all checks",
    )
    text = right.text_input("Repository contains", key="c_repo")
    required_only = st.checkbox("Required checks only", value=True, key="c_required")
    rows = long[long["status"].isin(statuses)]
    if checks:
        rows = rows[rows["check"].isin(checks)]
    if text:
        rows = rows[rows["repo"].str.contains(text, case=False, regex=False)]
    if required_only:
        rows = rows[rows["required"]]
    ui.table(matrix_table(rows))
    ui.csv_button(rows, "compliance-matrix")


def compliance_line() -> None:
    """One line on the Overview: the share of repositories meeting the policy, and a link."""
    data = ui.frames("all")
    long = matrix(data)
    if long.empty:
        return
    required = long[long["required"]]
    ok = required["status"].isin([PASS, EXEMPT]).groupby(required["repo"]).all()
    if ok.empty:
        return
    st.markdown(
        f"**Compliance:** {int(ok.sum())} of {len(ok)} repositories meet the policy; "
        f"{len(ok) - int(ok.sum())} need attention."
    )
    st.page_link("pages/compliance.py", label="See compliance", icon="📋")


def status_chart(long: pd.DataFrame) -> None:
    """Stacked bars: per required check, how many repositories pass, fail, are exempt or unknown."""
    required = long[long["required"]]
    if required.empty:
        return
    counts = required.groupby(["check", "status"]).size().rename("repositories").reset_index()
    figure = px.bar(
        counts,
        x="check",
        y="repositories",
        color="status",
        color_discrete_map={
            PASS: "#2e7d32",
            FAIL: "#c62828",
            EXEMPT: "#f9a825",
            UNKNOWN: "#9e9e9e",
        },
    )
    figure.update_layout(margin={"t": 10, "b": 10}, xaxis_title=None)
    st.plotly_chart(figure, width="stretch")


def scorecard_section(data: Frames, period: str, scope: str) -> None:
    """OpenSSF Scorecard: the portfolio's distribution, its trend, and the weakest checks."""
    from kpis.supply_chain import check_series, check_summary, portfolio_scores

    moment = as_of(data)
    scores = portfolio_scores(data, moment)
    if scores.empty:
        st.info(
            "No Scorecard results yet: `ospo-metrics collect scorecard` fetches them for public "
            "GitHub repositories; `ospo-metrics import scorecard FILE` loads "
            "`scorecard --format json` output.",
            icon="🛡️",
        )
        return
    inconclusive = int(scores["score"].isna().sum())
    left, right = st.columns(2)
    with left:
        figure = px.histogram(scores.dropna(subset=["score"]), x="score", nbins=10, range_x=[0, 10])
        figure.update_layout(
            margin={"t": 30, "b": 10},
            title="Latest score per repository",
            xaxis_title="Scorecard score",
            yaxis_title="repositories",
        )
        st.plotly_chart(figure, width="stretch")
        if inconclusive:
            st.caption(f"{inconclusive} repositories' latest result was inconclusive (-1).")
    with right:
        ui.kpi_trend("scorecard_score", data, period, scope)
    st.markdown("**Weakest checks** (mean of each repository's latest conclusive score)")
    checks = check_summary(data, moment)
    ui.table(checks)
    ui.csv_button(checks, "scorecard-checks", scope=scope)
    names = [c for c in checks["check"]]
    if names:
        chosen = st.selectbox("Check over time", names, key="c_scorecard_check")
        series = check_series(data, period)
        series = series[series["check"] == chosen]
        if len(series):
            figure = px.line(series, x="period_start", y="value", markers=True, range_y=[0, 10])
            figure.update_layout(margin={"t": 10, "b": 10}, xaxis_title=None, yaxis_title=chosen)
            st.plotly_chart(figure, width="stretch")
    ui.table(scores)
    ui.csv_button(scores, "scorecard-scores", scope=scope)


def dependency_section(data: Frames, period: str, scope: str) -> None:
    """Dependency licenses: the violations with the repositories that pull them in."""
    from kpis.supply_chain import license_violations

    if data.sboms.empty:
        st.info(
            "No SBOM yet: `ospo-metrics collect sbom` reads GitHub's dependency graph; "
            "`ospo-metrics import sbom FILE --repo OWNER/NAME` loads SPDX or CycloneDX JSON.",
            icon="📦",
        )
        return
    ui.kpi_tiles(
        ("sbom_coverage", "denied_license_dependencies", "review_license_dependencies"),
        data,
        period,
    )
    violations = license_violations(data, as_of(data))
    if violations.empty:
        st.success("No dependency has a denied or to-review license.", icon="✅")
        return
    ui.table(violations)
    ui.csv_button(violations, "dependency-licenses", scope=scope)


def never_contributed_section(data: Frames, scope: str) -> None:
    """The dependencies we use most and never contributed to, with their health."""
    from kpis.dependencies import never_contributed
    from ospo_metrics.compliance.read import UpstreamMapError, load_upstream_map

    if data.sboms.empty:
        st.info("Needs SBOMs (see Dependency licenses above).", icon="📦")
        return
    try:
        mapping = load_upstream_map(ui.context().config)
    except UpstreamMapError as exc:
        st.error(f"The upstream mapping file cannot be used: {exc}")
        mapping = {}
    table = never_contributed(data, as_of(data), mapping)
    st.caption(
        "Packages our repositories' newest SBOMs list, ranked by how many of our repositories "
        "use them, that no employee ever sent a pull request or commit to; with the upstream's "
        "latest Scorecard score and bus factor where collected. Sources come from the SBOMs or "
        "`compliance.upstream_map`."
    )
    if table.empty:
        st.success("We have contributed to every dependency whose source we know.", icon="🤝")
        return
    ui.table(table)
    ui.csv_button(table, "never-contributed", scope=scope)


def libyears_section(data: Frames, period: str, scope: str) -> None:
    """CHAOSS Libyears: per repository, and the dependencies lagging most."""
    from kpis.libyears import lagging_dependencies, repository_libyears

    if data.sboms.empty:
        st.info("Needs SBOMs (see Dependency licenses above).", icon="📦")
        return
    if data.package_releases.empty:
        st.info(
            "No release dates yet: turn on `compliance.registry.fetch` (it sends the names of "
            "the packages our SBOMs list to deps.dev) and run `ospo-metrics collect releases`.",
            icon="⏳",
        )
        return
    moment = as_of(data)
    ui.kpi_tiles(("libyears", "libyears_coverage"), data, period)
    st.caption(
        "A dependency's libyears: the release date of the registry's latest version minus that "
        "of the version we use (never below 0). A repository's: the sum over its newest SBOM's "
        "direct dependencies (all of them when the SBOM does not say; `basis`). Release dates "
        "from deps.dev; packages it does not know and versions it does not list are left out "
        "and counted."
    )
    repositories = repository_libyears(data, moment)
    ui.table(repositories)
    ui.csv_button(repositories, "libyears-repositories", scope=scope)
    st.markdown("**Dependencies lagging most** (the version used and the latest)")
    lagging = lagging_dependencies(data, moment)
    if lagging.empty:
        st.success("No dependency with release data lags behind its latest release.", icon="✅")
        return
    ui.table(lagging.head(25))
    ui.csv_button(lagging, "libyears-dependencies", scope=scope)
