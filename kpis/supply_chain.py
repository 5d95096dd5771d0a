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
)
