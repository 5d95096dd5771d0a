"""Runs the repository files collector over every git repository we have a copy of.

Reads the local clone (`path:` repositories), the bare mirror the git collector keeps for
`url:` repositories, or the mirror of an organization repository (collect/mirrors.py), so it
needs no network of its own. Incremental by the default branch's tip:
an unchanged tip costs one `git rev-parse`, and a run still counts as having looked (the
compliance series run up to the last look).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from collectors.base import CollectorError, RunResult
from collectors.files import RepositoryFiles
from collectors.git import GitRepository, GitSource
from ospo_metrics.context import Context
from ospo_metrics.store import (
    ensure_repository,
    finish_run,
    last_cursor,
    start_run,
    write_file_checks,
)

COLLECTOR = "files"


def local_git_dir(source: GitSource, cache_dir: Path) -> Path | None:
    """Where the repository's git data is on this machine: the configured clone, or the mirror
    the git collector made for a URL (None until it has)."""
    if source.path is not None:
        return source.path
    mirror = cache_dir / (source.name.replace("/", "__") + ".git")
    return mirror if mirror.exists() else None


def collect_files(
    engine: Engine,
    source: GitSource,
    *,
    cache_dir: Path,
    extra_files: Mapping[str, Sequence[str]] | None = None,
    platform: str = "git",
) -> RunResult:
    """Read one repository's required files at every commit that changed them since last time."""
    result = RunResult(collector=COLLECTOR, target=source.name, status="running")
    run_id = start_run(engine, COLLECTOR, source.name)
    try:
        cursor = _collect(engine, source, cache_dir, extra_files or {}, platform, result)
    except CollectorError as exc:
        result.status, result.error = "failed", str(exc)
        finish_run(engine, run_id, "failed", error=result.error, **_counts(result))
        return result
    except BaseException:
        finish_run(engine, run_id, "interrupted", error="interrupted", **_counts(result))
        raise
    finish_run(engine, run_id, result.status, cursor=cursor, **_counts(result))
    return result


def _counts(result: RunResult) -> dict[str, int]:
    return {"items_seen": result.items_seen, "items_written": result.items_written}


def _collect(
    engine: Engine,
    source: GitSource,
    cache_dir: Path,
    extra_files: Mapping[str, Sequence[str]],
    platform: str,
    result: RunResult,
) -> dict:
    path = local_git_dir(source, cache_dir)
    if path is None or not path.exists():
        raise CollectorError(
            f"{source.name}: no local copy of the repository yet; run `ospo-metrics collect git`"
        )
    repo = GitRepository(path)
    tip = next(iter(repo.resolve_refs(source.refs[:1]).values()))
    cursor = {"tip": tip}
    with Session(engine) as session:
        known = (last_cursor(session, COLLECTOR, source.name) or {}).get("tip")
        if known == tip:
            result.status = "unchanged"
            return cursor
        observations = []
        for snapshot in RepositoryFiles(repo, extra_files).history(tip, since=known):
            for item in snapshot.checks:
                observations.append(
                    {
                        **asdict(item),
                        "observed_at": snapshot.committed_at,
                        "commit": snapshot.commit,
                    }
                )
        result.items_seen = len(observations)
        repo_id = ensure_repository(session, platform, source.name, source=source.display_source)
        result.items_written = write_file_checks(session, repo_id, observations)
        session.commit()
    result.status = "ok" if result.items_written else "unchanged"
    return cursor


def collect_files_sources(context: Context, *, only: str | None = None) -> list[RunResult]:
    """Read the required files of every configured git repository (after `collect git`)."""
    from ospo_metrics.collect import git_sources
    from ospo_metrics.collect.mirrors import mirrored_sources

    extra = context.config.compliance.extra_files
    configured = [(s, "git") for s in git_sources(context.config) if not only or s.name == only]
    # The mirrors of organization repositories (see collect/mirrors.py), on the GitHub rows.
    mirrored = [(s, "github") for s in mirrored_sources(context, only)]
    return [
        collect_files(
            context.engine,
            source,
            cache_dir=context.data_dir / "clones",
            extra_files=extra,
            platform=platform,
        )
        for source, platform in configured + mirrored
    ]
