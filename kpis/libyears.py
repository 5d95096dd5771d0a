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

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd

from kpis.compliance import _utc
from kpis.kpi import CHAOSS_KB, KPI, NO_VALUE
from kpis.supply_chain import _moments_series

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


@dataclass
class _Prepared:
    """What does not depend on the moment, computed once per Frames (they are immutable)."""

    components: pd.DataFrame  # every SBOM's components in its basis, with registry data
    defaults: pd.DataFrame  # ecosystem, name, latest_version, latest_published (dated ones)
    stable: pd.DataFrame  # dated non-prerelease versions, oldest first
    repositories: dict = field(default_factory=dict)  # moment -> repository_libyears table


_PREPARED: WeakKeyDictionary = WeakKeyDictionary()
_KEYS = ["ecosystem", "name"]


def _prepare(frames) -> _Prepared:
    prepared = _PREPARED.get(frames)
    if prepared is not None:
        return prepared
    deps = frames.dependencies
    # Per SBOM: its direct dependencies when it tells which are direct, else all.
    told = deps["is_direct"].notna().groupby(deps["sbom_id"]).transform("any").astype(bool)
    direct = deps["is_direct"].astype("boolean").fillna(False).astype(bool)
    keep = ~told | direct
    deps = deps[keep].assign(basis=told[keep].map({True: "direct", False: "all"}))
    deps = deps.assign(version=used_version(deps["purl"]))
    releases = frames.package_releases
    status = releases.drop_duplicates(_KEYS).set_index(_KEYS)["status"]
    keys = pd.MultiIndex.from_arrays([deps["ecosystem"], deps["name"]])
    deps = deps.assign(registry=status.reindex(keys).to_numpy())
    found = releases[(releases["status"] == "found") & releases["version"].notna()]
    used = found[[*_KEYS, "version", "published_at"]].rename(
        columns={"published_at": "version_published"}
    )
    deps = deps.merge(used.drop_duplicates([*_KEYS, "version"]), on=[*_KEYS, "version"], how="left")
    dated = found[found["published_at"].notna()].sort_values("published_at", kind="stable")
    latest = {"version": "latest_version", "published_at": "latest_published"}
    defaults = dated[dated["is_default"]].drop_duplicates(_KEYS).rename(columns=latest)
    stable = dated[~dated["version"].astype("str").str.contains(PRERELEASE, regex=True)]
    prepared = _Prepared(
        components=deps,
        defaults=defaults[[*_KEYS, *latest.values()]],
        stable=stable[[*_KEYS, "version", "published_at"]].rename(columns=latest),
    )
    _PREPARED[frames] = prepared
    return prepared


def _latest_at(prepared: _Prepared, moment: pd.Timestamp) -> pd.DataFrame:
    """Per found package: the latest version and its date at `moment` (see module docstring)."""
    defaults = prepared.defaults[prepared.defaults["latest_published"] <= moment]
    stable = prepared.stable[prepared.stable["latest_published"] <= moment]
    newest = stable.drop_duplicates(_KEYS, keep="last")  # oldest first: the last is newest
    return pd.concat([defaults, newest]).drop_duplicates(_KEYS, keep="first")


def _newest_sboms(frames, moment: pd.Timestamp) -> set:
    from kpis.compliance import in_scope

    repos = set(in_scope(frames.repositories)["repo"])
    sboms = frames.sboms[(frames.sboms["created_at"] <= moment) & frames.sboms["repo"].isin(repos)]
    newest = sboms.sort_values("created_at", kind="stable").drop_duplicates("repo", keep="last")
    return set(newest["sbom_id"])


def component_lags(frames, as_of) -> pd.DataFrame:
    """Each component libyears looks at in each in-scope repository's newest SBOM at `as_of`,
    with its version, the latest one, both release dates, `libyears` and `status` (counted,
    or why it is left out: see the module docstring)."""
    moment = _utc(as_of)
    prepared = _prepare(frames)
    rows = prepared.components[prepared.components["sbom_id"].isin(_newest_sboms(frames, moment))]
    table = rows.merge(_latest_at(prepared, moment) if len(rows) else prepared.defaults.iloc[:0],
                       on=_KEYS, how="left")  # fmt: skip
    registry = table["registry"]
    usable = table["version_published"].notna() & table["latest_published"].notna()
    # The first reason that applies, in the docstring's order.
    table["status"] = np.select(
        [
            table["version"].isna(),
            ~table["ecosystem"].isin(REGISTRY_ECOSYSTEMS),
            registry.isna() | (registry == "failed"),
            registry == "unknown",
            ~usable,
        ],
        list(LEFT_OUT),
        default=COUNTED,
    )
    lag = (table["latest_published"] - table["version_published"]).dt.total_seconds()
    years = (lag / 86400 / DAYS_PER_YEAR).clip(lower=0)
    table["libyears"] = years.where(table["status"] == COUNTED)
    return table


def repository_libyears(frames, as_of) -> pd.DataFrame:
    """Per in-scope repository with an SBOM: its libyears (sum over counted components), the
    basis (direct or all), how many components were looked at, counted and left out by kind.
    Most libyears first."""
    moment = _utc(as_of)
    memo = _prepare(frames).repositories
    if moment not in memo:
        memo[moment] = _repository_libyears(frames, moment)
    return memo[moment].copy()


def _repository_libyears(frames, moment: pd.Timestamp) -> pd.DataFrame:
    table = component_lags(frames, moment)
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


def _before_any_sbom(frames, moment) -> bool:
    first = frames.sboms["created_at"].min()
    return pd.isna(first) or first > _utc(moment)


def median_libyears_at(frames, moment) -> float | None:
    if _before_any_sbom(frames, moment):
        return None
    table = repository_libyears(frames, moment)
    values = table.loc[table[COUNTED] > 0, "libyears"].dropna()
    return round(float(values.median()), 2) if len(values) else None


def libyears_coverage_at(frames, moment) -> float | None:
    if _before_any_sbom(frames, moment):
        return None
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
