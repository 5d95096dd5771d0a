"""Supply chain: OpenSSF Scorecard over time, and what our SBOMs say about our dependencies.

Scorecard (``scorecard`` frame): one row per repository, check and run date, plus the
"aggregate". A score of -1 means Scorecard could not tell (no releases to sign, say): such a
result is counted as inconclusive and left out of every average, never read as 0. Between two
runs a repository keeps its last score.

Only repositories we own count towards our portfolio's figures; Scorecard results of
upstream projects (imported, or fetched for the projects we depend on) feed their health.
"""

from __future__ import annotations

import pandas as pd

from kpis._util import result
from kpis.compliance import _utc, period_moments
from kpis.kpi import KPI, NO_VALUE
from kpis.periods import Period, period_floor

AGGREGATE = "aggregate"
INCONCLUSIVE = -1.0


def _owned(frames) -> set[str]:
    repositories = frames.repositories
    return set(repositories.loc[repositories["relationship"] == "owned", "repo"])


def latest_scores(frames, as_of, *, owned_only: bool = True) -> pd.DataFrame:
    """Each repository's newest result per check (aggregate included) at `as_of`."""
    rows = frames.scorecard[frames.scorecard["run_date"] <= _utc(as_of)]
    if owned_only:
        rows = rows[rows["repo"].isin(_owned(frames))]
    return rows.sort_values("run_date", kind="stable").drop_duplicates(
        ["repo", "check"], keep="last"
    )


def portfolio_scores(frames, as_of) -> pd.DataFrame:
    """Per owned repository: its latest aggregate score and date (NaN score: inconclusive)."""
    latest = latest_scores(frames, as_of)
    rows = latest[latest["check"] == AGGREGATE]
    out = rows[["repo", "run_date", "score"]].copy()
    out["score"] = out["score"].where(out["score"] >= 0)
    return out.sort_values(["score", "repo"], na_position="last").reset_index(drop=True)


def check_summary(frames, as_of) -> pd.DataFrame:
    """Per Scorecard check over our repositories' latest results, weakest first: mean, median
    and lowest score of the conclusive results, and how many were inconclusive."""
    latest = latest_scores(frames, as_of)
    rows = latest[latest["check"] != AGGREGATE]
    columns = ["check", "repositories", "mean", "median", "lowest", "inconclusive"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    conclusive = rows["score"].where(rows["score"] >= 0)
    table = (
        rows.assign(conclusive=conclusive)
        .groupby("check")
        .agg(
            repositories=("repo", "nunique"),
            mean=("conclusive", "mean"),
            median=("conclusive", "median"),
            lowest=("conclusive", "min"),
            inconclusive=("conclusive", lambda s: int(s.isna().sum())),
        )
        .reset_index()
    )
    table[["mean", "median"]] = table[["mean", "median"]].round(1)
    return table.sort_values(["mean", "check"], na_position="last")[columns].reset_index(drop=True)


def _scorecard_moments(frames, period: Period) -> pd.DatetimeIndex:
    return period_moments(frames, period)


def check_series(frames, period: Period) -> pd.DataFrame:
    """Per period and check (aggregate included): the mean latest conclusive score of our
    repositories at the period's end. Columns period_start, check, value."""
    rows = []
    for moment in _scorecard_moments(frames, period):
        latest = latest_scores(frames, moment)
        conclusive = latest[latest["score"] >= 0]
        for check, scores in conclusive.groupby("check")["score"]:
            rows.append(
                {
                    "period_start": period_floor(moment, period),
                    "check": check,
                    "value": round(float(scores.mean()), 2),
                }
            )
    return pd.DataFrame(rows, columns=["period_start", "check", "value"])


def _mean_aggregate(frames, period: Period) -> pd.Series:
    values = {}
    for moment in _scorecard_moments(frames, period):
        scores = portfolio_scores(frames, moment)["score"].dropna()
        if len(scores):
            values[period_floor(moment, period)] = round(float(scores.mean()), 2)
    if not values:
        return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))
    return result(pd.Series(values, dtype="float64"))


# --------------------------------------------------------------------------- SBOMs


def latest_dependencies(frames, as_of) -> pd.DataFrame:
    """The components of each in-scope repository's newest SBOM at `as_of`."""
    from kpis.compliance import in_scope

    repos = set(in_scope(frames.repositories)["repo"])
    sboms = frames.sboms[
        (frames.sboms["created_at"] <= _utc(as_of)) & frames.sboms["repo"].isin(repos)
    ]
    newest = sboms.sort_values("created_at", kind="stable").drop_duplicates("repo", keep="last")
    return frames.dependencies[frames.dependencies["sbom_id"].isin(set(newest["sbom_id"]))]


def license_violations(frames, as_of, verdicts=("denied", "review")) -> pd.DataFrame:
    """Dependencies whose license the policy denies or wants reviewed, with the repositories
    that pull them in (most repositories first)."""
    deps = latest_dependencies(frames, as_of)
    deps = deps[deps["verdict"].isin(verdicts)]
    columns = [
        "verdict",
        "name",
        "version",
        "license",
        "repositories",
        "pulled_in_by",
        "direct",
        "purl",
    ]
    if deps.empty:
        return pd.DataFrame(columns=columns)
    license = deps["license"].astype(object).where(deps["license"].notna(), "(none given)")
    table = (
        deps.assign(license=license, key=deps["purl"].fillna(deps["name"]))
        .groupby(["verdict", "name", "version", "license", "key"], dropna=False)
        .agg(
            repositories=("repo", "nunique"),
            pulled_in_by=("repo", lambda r: ", ".join(sorted(set(r)))),
            direct=("is_direct", lambda d: bool(d.fillna(False).any())),
        )
        .reset_index()
        .rename(columns={"key": "purl"})
    )
    table["rank"] = table["verdict"].map({"denied": 0, "review": 1})
    table = table.sort_values(["rank", "repositories", "name"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)


def _moments_series(frames, period: Period, value_at) -> pd.Series:
    values = {}
    for moment in _scorecard_moments(frames, period):
        value = value_at(frames, moment)
        if value is not None:
            values[period_floor(moment, period)] = value
    if not values:
        return result(pd.Series([], dtype="float64", index=pd.DatetimeIndex([])))
    return result(pd.Series(values, dtype="float64"))


def _verdict_count(verdict: str):
    def value_at(frames, moment) -> float | None:
        if frames.sboms[frames.sboms["created_at"] <= _utc(moment)].empty:
            return None
        deps = latest_dependencies(frames, moment)
        deps = deps[deps["verdict"] == verdict]
        return float(len(deps[["repo", "name", "version"]].drop_duplicates()))

    return lambda frames, period: _moments_series(frames, period, value_at)


def sbom_coverage_at(frames, moment) -> float | None:
    """% of in-scope repositories with at least one SBOM at `moment`."""
    from kpis.compliance import in_scope

    repos = set(in_scope(frames.repositories)["repo"])
    if not repos:
        return None
    have = set(frames.sboms.loc[frames.sboms["created_at"] <= _utc(moment), "repo"]) & repos
    return round(100 * len(have) / len(repos), 1)


SUPPLY_CHAIN_KPIS: tuple[KPI, ...] = (
    KPI(
        id="scorecard_score",
        title="OpenSSF Scorecard score",
        unit="score (0-10)",
        definition="Mean of our repositories' latest OpenSSF Scorecard aggregate scores at the "
        "end of each period (a repository keeps its last result until the next run). "
        "Inconclusive results (-1) are left out, never counted as 0.",
        chaoss=None,
        higher_is_better=True,
        needs=("repositories", "scorecard"),
        compute=_mean_aggregate,
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="sbom_coverage",
        title="Repositories with an SBOM",
        unit="%",
        definition="Share of our public, active, non-fork repositories for which at least one "
        "SBOM (imported, or GitHub's dependency graph) exists by the end of each period.",
        chaoss=None,
        higher_is_better=True,
        needs=("repositories", "sboms"),
        compute=lambda frames, period: _moments_series(frames, period, sbom_coverage_at),
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="denied_license_dependencies",
        title="Dependencies with denied licenses",
        unit="dependencies",
        definition="Dependencies (name and version, per repository) in each repository's "
        "newest SBOM whose license the configured policy denies, at the end of each period. "
        "Under OR the best option counts, under AND the worst (`MIT OR GPL-2.0-only` is "
        "allowed when MIT is).",
        chaoss=None,
        higher_is_better=False,
        needs=("repositories", "sboms", "dependencies"),
        compute=_verdict_count("denied"),
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="review_license_dependencies",
        title="Dependencies with licenses to review",
        unit="dependencies",
        definition="Dependencies in each repository's newest SBOM whose license the policy "
        "lists for review, is in no list, or is not given (SPDX NOASSERTION), at the end of "
        "each period (the policy's `unlisted` and `unknown` settings decide the last two).",
        chaoss=None,
        higher_is_better=False,
        needs=("repositories", "sboms", "dependencies"),
        compute=_verdict_count("review"),
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
)
