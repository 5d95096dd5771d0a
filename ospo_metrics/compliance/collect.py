"""Compliance sources of `ospo-metrics collect`: run after git and GitHub, reading their output."""

from __future__ import annotations

from collectors.base import RunResult
from ospo_metrics.context import Context

# Sources `collect` accepts by name; `all` runs every one.
# `releases` (package release dates for libyears) reads the stored SBOMs, so it runs last.
COMPLIANCE_SOURCES = ("files", "scorecard", "sbom", "releases")


def collect_compliance_sources(
    context: Context, source: str, *, only: str | None = None
) -> list[RunResult]:
    """Run the compliance sources `source` names (`all` or one of :data:`COMPLIANCE_SOURCES`)."""
    results: list[RunResult] = []
    if source in ("all", "files"):
        from ospo_metrics.compliance.files import collect_files_sources

        results += collect_files_sources(context, only=only)
    if source in ("all", "scorecard"):
        from ospo_metrics.compliance.scorecard import fetch_scorecards

        results += fetch_scorecards(context, only=only)
    if source in ("all", "sbom"):
        from ospo_metrics.compliance.sbom import fetch_github_sboms

        results += fetch_github_sboms(context, only=only)
    if source in ("all", "releases"):
        from ospo_metrics.compliance.releases import fetch_releases

        results += fetch_releases(context, only=only)
    return results
