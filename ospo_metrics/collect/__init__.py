"""Runs the configured collectors: the sources in the config, one collection run each."""

from __future__ import annotations

from collections.abc import Callable

from collectors.base import ProgressCallback, RunResult
from collectors.git import GitSource
from ospo_metrics.collect_git import collect_git
from ospo_metrics.config import Config
from ospo_metrics.context import Context

# Given a target name, returns a progress callback (and the CLI's bar to close), or None.
ProgressFactory = Callable[[str], ProgressCallback | None]


def git_sources(config: Config) -> list[GitSource]:
    """The git repositories the configuration lists (local clones and clone URLs)."""
    return [
        GitSource(
            name=entry.full_name,
            path=config.resolve_path(entry.path) if entry.path is not None else None,
            url=entry.url,
            refs=tuple(entry.refs),
            shallow=entry.shallow,
        )
        for entry in config.repositories
        if entry.kind in ("path", "url")  # `github:` entries are the GitHub collector's
    ]


def collect_git_sources(
    context: Context,
    *,
    only: str | None = None,
    progress: ProgressFactory | None = None,
) -> list[RunResult]:
    context.sync_people()
    results = []
    for source in git_sources(context.config):
        if only and source.name != only:
            continue
        results.append(
            collect_git(
                context.engine,
                source,
                bots=context.bots,
                cache_dir=context.data_dir / "clones",
                progress=progress(source.name) if progress else None,
            )
        )
    return results


def has_github_sources(context: Context) -> bool:
    """Whether the configuration names anything the GitHub collector reads."""
    config = context.config
    return bool(
        config.organizations
        or config.upstream.repositories
        or any(entry.kind == "github" for entry in config.repositories)
    )
