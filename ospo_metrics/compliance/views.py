"""The tables the Compliance page shows, by name: the CLI prints and exports the same ones."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpis.compliance import check_matrix, coverage_by_check, fix_first, last_seen
from kpis.dependencies import dependency_contributions, never_contributed
from kpis.libyears import lagging_dependencies, repository_libyears
from kpis.schema import Frames
from kpis.supply_chain import check_summary, license_violations, portfolio_scores
from ospo_metrics.read.memo import computed


def as_of(data: Frames) -> pd.Timestamp:
    """The moment the views describe: the last time anything was observed, else now."""
    seen = computed(data, ("compliance_last_seen",), lambda: last_seen(data))
    return seen if seen is not None else pd.Timestamp.now("UTC")


def compliance_view(
    data: Frames, view: str, upstream_map: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """`matrix`, `fix-first`, `coverage`, `scorecard` (each repository's latest score) or
    `scorecard-checks` (the weakest checks first) or `dependencies` (denied and to-review
    licenses with the repositories pulling them in), `never-contributed` (the packages we use
    most and never contributed to) or `upstream-dependencies` (all of them), `libyears` (per
    repository) or `libyears-dependencies` (the dependencies lagging most), as of
    :func:`as_of`; computed once per data version, scope and view (kept with the frames'
    results)."""
    mapping = tuple(sorted((upstream_map or {}).items()))
    return computed(data, ("compliance", view, mapping), lambda: _view(data, view, upstream_map))


def _view(data: Frames, view: str, upstream_map: Mapping[str, str] | None) -> pd.DataFrame:
    moment = as_of(data)
    if view == "scorecard":
        return portfolio_scores(data, moment)
    if view == "scorecard-checks":
        return check_summary(data, moment)
    if view == "dependencies":
        return license_violations(data, moment)
    if view == "never-contributed":
        return never_contributed(data, moment, upstream_map)
    if view == "upstream-dependencies":
        return dependency_contributions(data, moment, upstream_map)
    if view == "libyears":
        return repository_libyears(data, moment)
    if view == "libyears-dependencies":
        return lagging_dependencies(data, moment)
    matrix = check_matrix(data, moment)
    if view == "fix-first":
        return fix_first(matrix)
    if view == "coverage":
        return coverage_by_check(matrix)
    return matrix
