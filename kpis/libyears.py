"""CHAOSS Libyears: how far our dependencies lag behind their latest release.

A dependency's libyears are the time between the release of the version we use and the release
of the registry's latest version: max(0, published(latest) - published(used)) in years of
365.25 days, so a version newer than the registry's latest (a prerelease, say) counts 0. A
repository's libyears are the sum over the components of its newest SBOM at the moment
looked at: its direct dependencies when the SBOM tells which are direct, else all of them
(`basis` says which).

The version used is the one in the component's package URL. "Latest" is the version the
registry (deps.dev) marks as default (npm's `latest` tag; the newest stable release
elsewhere). For an earlier moment, before that version was out, it is the newest release
published by then whose version does not look like a prerelease (alpha, beta, rc, dev, ...).

Left out of the sum, and counted by kind: a package URL without a version (`no_version`), a
purl type the registry does not cover (`unsupported`), a package not asked about yet or whose
answer failed (`not_fetched`), one the registry does not know (`unknown_package`), and a used
version the registry does not list or gives no date for (`unknown_version`).

Portfolio: the median libyears of our in-scope repositories (owned, public, active, non-fork)
whose newest SBOM has at least one dependency with registry data; `libyears_coverage` says how
many of the components looked at had it.
"""

from __future__ import annotations

import pandas as pd

from kpis.compliance import _utc
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.supply_chain import _moments_series, latest_dependencies

DAYS_PER_YEAR = 365.25
# The purl types deps.dev covers (collectors.depsdev.SYSTEMS; a test keeps the two equal).
REGISTRY_ECOSYSTEMS = frozenset({"npm", "pypi", "maven", "golang", "cargo", "nuget"})
COUNTED = "counted"
LEFT_OUT = ("no_version", "unsupported", "not_fetched", "unknown_package", "unknown_version")
PRERELEASE = r"(?i)(?:alpha|beta|\brc|[.\-]rc|\d(?:a|b|rc)\d|dev|pre|snapshot|canary|nightly|next)"
_PURL_VERSION = r"@([^@/?#]+)(?:[?#].*)?$"

REPOSITORY_COLUMNS = ["repo", "libyears", "basis", "components", COUNTED, *LEFT_OUT]
LAG_COLUMNS = [
    "package",
    "ecosystem",
    "version",
    "latest_version",
    "version_published",
    "latest_published",
    "libyears",
    "repositories",
    "used_by",
]


def used_version(purls: pd.Series) -> pd.Series:
    """The version in each package URL (percent-decoded), missing when it has none."""
    from urllib.parse import unquote

    found = purls.astype("str").str.extract(_PURL_VERSION, expand=False)
    decoded = [unquote(v) if isinstance(v, str) and v else None for v in found]
    return pd.Series(decoded, index=purls.index, dtype=object)


def _basis(deps: pd.DataFrame) -> pd.DataFrame:
    """Per repository, its direct dependencies when its SBOM tells, else all; `basis` column."""
    told = deps["is_direct"].notna().groupby(deps["repo"]).transform("any")
    direct = deps["is_direct"].astype("boolean").fillna(False).astype(bool)
    kept = deps[~told | direct].copy()
    kept["basis"] = told[~told | direct].map({True: "direct", False: "all"})
    return kept


def _latest_at(releases: pd.DataFrame, moment: pd.Timestamp) -> pd.DataFrame:
    """Per found package: the latest version and its date at `moment` (see module docstring)."""
    dated = releases[releases["published_at"].notna() & (releases["published_at"] <= moment)]
    default = dated[dated["is_default"]]
    stable = dated[~dated["version"].astype("str").str.contains(PRERELEASE, regex=True)]
    newest = stable.sort_values("published_at", kind="stable").drop_duplicates(
        ["ecosystem", "name"], keep="last"
    )
    chosen = pd.concat([default, newest]).drop_duplicates(["ecosystem", "name"], keep="first")
    return chosen.rename(columns={"version": "latest_version", "published_at": "latest_published"})[
        ["ecosystem", "name", "latest_version", "latest_published"]
    ]


def component_lags(frames, as_of) -> pd.DataFrame:
    """Each counted component of each in-scope repository's newest SBOM at `as_of`, with its
    version, the latest one, both release dates, `libyears` and `status` (counted, or why it
    is left out: see the module docstring)."""
    moment = _utc(as_of)
    deps = _basis(latest_dependencies(frames, moment))
    deps["version"] = used_version(deps["purl"])
    releases = frames.package_releases
    status = releases.drop_duplicates(["ecosystem", "name"]).set_index(["ecosystem", "name"])[
        "status"
    ]
    keys = pd.MultiIndex.from_arrays([deps["ecosystem"], deps["name"]])
    known = pd.Series(status.reindex(keys).to_numpy(), index=deps.index)
    found = releases[releases["status"] == "found"]
    used = found[["ecosystem", "name", "version", "published_at"]].rename(
        columns={"published_at": "version_published"}
    )
    table = deps.assign(registry=known).merge(used, on=["ecosystem", "name", "version"], how="left")
    table = table.merge(_latest_at(found, moment), on=["ecosystem", "name"], how="left")
    supported = table["ecosystem"].isin(REGISTRY_ECOSYSTEMS)
    table["status"] = COUNTED
    usable = table["version_published"].notna() & table["latest_published"].notna()
    for mask, reason in (
        (~usable, "unknown_version"),
        (table["registry"] == "unknown", "unknown_package"),
        (table["registry"].isna() | (table["registry"] == "failed"), "not_fetched"),
        (~supported, "unsupported"),
        (table["version"].isna(), "no_version"),
    ):  # later reasons win: the first that applies in the docstring's order
        table.loc[mask, "status"] = reason
    lag = (table["latest_published"] - table["version_published"]).dt.total_seconds()
    years = (lag / 86400 / DAYS_PER_YEAR).clip(lower=0)
    table["libyears"] = years.where(table["status"] == COUNTED)
    return table


def repository_libyears(frames, as_of) -> pd.DataFrame:
    """Per in-scope repository with an SBOM: its libyears (sum over counted components), the
    basis (direct or all), how many components were looked at, counted and left out by kind.
    Most libyears first."""
    table = component_lags(frames, as_of)
    if table.empty:
        return pd.DataFrame(columns=REPOSITORY_COLUMNS)
    counts = pd.crosstab(table["repo"], table["status"]).reindex(
        columns=[COUNTED, *LEFT_OUT], fill_value=0
    )
    out = pd.DataFrame(
        {
            "libyears": table.groupby("repo")["libyears"].sum(min_count=1).round(2),
            "basis": table.groupby("repo")["basis"].first(),
            "components": table.groupby("repo").size(),
        }
    ).join(counts)
    out = out.reset_index().rename(columns={"index": "repo"})
    out = out.sort_values(["libyears", "repo"], ascending=[False, True], na_position="last")
    return out[REPOSITORY_COLUMNS].reset_index(drop=True)


def lagging_dependencies(frames, as_of, limit: int | None = None) -> pd.DataFrame:
    """The counted dependencies (package and version used) that lag most, with the latest
    version, both release dates and the repositories that use them."""
    table = component_lags(frames, as_of)
    table = table[table["status"] == COUNTED]
    if table.empty:
        return pd.DataFrame(columns=LAG_COLUMNS)
    grouped = (
        table.groupby(["name", "ecosystem", "version"], dropna=False)
        .agg(
            latest_version=("latest_version", "first"),
            version_published=("version_published", "first"),
            latest_published=("latest_published", "first"),
            libyears=("libyears", "first"),
            repositories=("repo", "nunique"),
            used_by=("repo", lambda r: ", ".join(sorted(set(r)))),
        )
        .reset_index()
        .rename(columns={"name": "package"})
    )
    grouped["libyears"] = grouped["libyears"].round(2)
    for column in ("version_published", "latest_published"):
        grouped[column] = grouped[column].dt.date
    grouped = grouped.sort_values(
        ["libyears", "repositories", "package"], ascending=[False, False, True]
    )
    grouped = grouped[LAG_COLUMNS].reset_index(drop=True)
    return grouped.head(limit) if limit else grouped


def median_libyears_at(frames, moment) -> float | None:
    table = repository_libyears(frames, moment)
    values = table.loc[table[COUNTED] > 0, "libyears"].dropna()
    return round(float(values.median()), 2) if len(values) else None


def libyears_coverage_at(frames, moment) -> float | None:
    table = repository_libyears(frames, moment)
    total = int(table["components"].sum()) if len(table) else 0
    return round(100 * int(table[COUNTED].sum()) / total, 1) if total else None


LIBYEARS_KPIS: tuple[KPI, ...] = (
    KPI(
        id="libyears",
        title="Libyears (median per repository)",
        unit="years",
        definition="How far our dependencies lag behind their latest release. A dependency's "
        "libyears: the release date of the registry's latest (default) version minus that of "
        "the version used, in years of 365.25 days, never below 0. A repository's: the sum "
        "over its newest SBOM's direct dependencies (all components when the SBOM does not "
        "say which are direct). The value: the median over our public, active, non-fork "
        "repositories whose SBOM has at least one dependency with registry data (deps.dev), "
        "at the end of each period. Packages the registry does not know, versions it does not "
        "list and package URLs without a version are left out (see libyears_coverage).",
        chaoss=f"Libyears — {CHAOSS_KB}metric-libyears/",
        higher_is_better=False,
        needs=("repositories", "sboms", "dependencies", "package_releases"),
        compute=lambda frames, period: _moments_series(frames, period, median_libyears_at),
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
    KPI(
        id="libyears_coverage",
        title="Dependencies with release data",
        unit="%",
        definition="Share of the components libyears looks at (each in-scope repository's "
        "newest SBOM: direct dependencies when the SBOM tells, else all) whose used and "
        "latest versions both have a release date from the registry (deps.dev), at the end "
        "of each period.",
        chaoss=None,  # how much of libyears' input has data: ours, not a CHAOSS metric
        higher_is_better=True,
        needs=("repositories", "sboms", "dependencies", "package_releases"),
        compute=lambda frames, period: _moments_series(frames, period, libyears_coverage_at),
        group="supply_chain",
        fill_value=NO_VALUE,
    ),
)
