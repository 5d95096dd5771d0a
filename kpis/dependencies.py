"""The dependencies we rely on but never contribute to.

Joins what our SBOMs list (the newest SBOM of each repository we own) with where each package
is developed (its source repository: from the SBOM's VCS references or download locations, or
a reviewable mapping file), then with our own activity there (pull requests or commits by our
employees, ever) and with the upstream's health where we have it: its latest OpenSSF Scorecard
score, and its bus factor (CHAOSS Contributor Absence Factor over the last year) when its
history was collected.

The ranking answers "what is the viability of, and risk from, the open source we depend on?":
the packages most of our repositories depend on, that nobody of ours ever contributed to,
first.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpis.compliance import _utc
from kpis.supply_chain import AGGREGATE, latest_dependencies

COLUMNS = (
    "package",
    "ecosystem",
    "repositories",
    "used_by",
    "direct",
    "source_repository",
    "we_contributed",
    "our_prs",
    "our_commits",
    "scorecard",
    "bus_factor",
)


def _source_key(url: str | None) -> str | None:
    """OWNER/NAME of a `github.com/OWNER/NAME` source (how repositories are named here)."""
    if not isinstance(url, str) or not url:
        return None
    parts = url.strip().lower().removeprefix("https://").split("/")
    return f"{parts[1]}/{parts[2]}" if len(parts) >= 3 else None


def _mapped(package: str, ecosystem: str | None, mapping: Mapping[str, str]) -> str | None:
    """The mapping file's source for a package: keys are `ecosystem/name` or a purl prefix."""
    for key in (f"{ecosystem}/{package}" if ecosystem else package, package):
        if key in mapping:
            return mapping[key]
    return None


def bus_factor(commits: pd.DataFrame, repo: str, as_of: pd.Timestamp) -> float | None:
    """Fewest people making half of the last year's non-bot, non-merge commits to `repo`
    (CHAOSS Contributor Absence Factor); None without collected history."""
    rows = commits[
        (commits["repo"].str.lower() == repo)
        & ~commits["is_bot"]
        & ~commits["is_merge"]
        & (commits["authored_at"] > as_of - pd.Timedelta(days=365))
        & (commits["authored_at"] <= as_of)
    ]
    if rows.empty:
        return None
    counts = rows["author_id"].value_counts().sort_values(ascending=False)
    needed = (counts.cumsum() - counts) * 2 < len(rows)
    return float(needed.sum())


def dependency_contributions(
    frames, as_of, mapping: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """One row per package our owned repositories depend on, ranked: never contributed to
    first, then by how many of our repositories use it. See the module docstring."""
    as_of = _utc(as_of)
    deps = latest_dependencies(frames, as_of)
    if deps.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    mapping = {k.lower(): v for k, v in (mapping or {}).items()}
    deps = deps.assign(package=deps["name"].astype(str))
    source = deps["source_repository"]
    grouped = []
    for (package, ecosystem), rows in deps.groupby(["package", "ecosystem"], dropna=False):
        ecosystem = None if pd.isna(ecosystem) else str(ecosystem)
        found = [s for s in source.loc[rows.index].dropna().astype(str) if s]
        url = found[0] if found else _mapped(package.lower(), ecosystem, mapping)
        grouped.append(
            {
                "package": package,
                "ecosystem": ecosystem,
                "repositories": int(rows["repo"].nunique()),
                "used_by": ", ".join(sorted(set(rows["repo"]))),
                "direct": bool(rows["is_direct"].fillna(False).astype(bool).any()),
                "source_repository": url,
            }
        )
    table = pd.DataFrame(grouped)
    keys = table["source_repository"].map(_source_key)
    issues = frames.issues
    ours_prs = issues[issues["is_pull_request"] & issues["author_is_employee"]]
    pr_counts = ours_prs["repo"].str.lower().value_counts()
    commits = frames.commits
    commit_counts = commits.loc[commits["is_employee"], "repo"].str.lower().value_counts()
    table["our_prs"] = keys.map(pr_counts).fillna(0).astype(int)
    table["our_commits"] = keys.map(commit_counts).fillna(0).astype(int)
    table["we_contributed"] = (table["our_prs"] + table["our_commits"]) > 0
    scores = frames.scorecard[
        (frames.scorecard["check"] == AGGREGATE) & (frames.scorecard["run_date"] <= as_of)
    ]
    latest = scores.sort_values("run_date").drop_duplicates("repo", keep="last")
    latest_score = latest.set_index(latest["repo"].str.lower())["score"]
    table["scorecard"] = keys.map(latest_score.where(latest_score >= 0))
    table["bus_factor"] = pd.to_numeric(
        keys.map(lambda key: bus_factor(commits, key, as_of) if isinstance(key, str) else None),
        errors="coerce",
    )
    table = table.sort_values(
        ["we_contributed", "repositories", "direct", "package"],
        ascending=[True, False, False, True],
    )
    return table[list(COLUMNS)].reset_index(drop=True)


def never_contributed(frames, as_of, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The dependencies nobody of ours ever contributed to, most used first."""
    table = dependency_contributions(frames, as_of, mapping)
    return table[~table["we_contributed"].astype(bool)].reset_index(drop=True)
