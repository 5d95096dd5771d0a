"""OpenSSF Scorecard into the store: imported files, and the public API for GitHub repositories.

Every result is kept by its date (one row per repository, check and day, plus "aggregate"), so
the score is a time series; fetching again on a later day adds a point, the same day replaces
it. A file is written whole in one transaction or, when malformed, not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from collectors.base import CollectorError, RunResult
from collectors.scorecard import (
    AGGREGATE,
    ScorecardApi,
    ScorecardFormatError,
    ScorecardResult,
    read_scorecard_file,
)
from ospo_metrics.context import Context
from ospo_metrics.models import Repository
from ospo_metrics.store import ensure_repository, finish_result, start_run, write_scorecard

COLLECTOR = "scorecard"


def result_rows(result: ScorecardResult, source: str) -> list[dict]:
    """The rows of one result: the aggregate and every check, all on the result's date."""
    common = {
        "run_date": result.run_date,
        "scorecard_version": result.scorecard_version,
        "commit": result.commit,
        "source": source,
    }
    rows = [
        {
            **common,
            "check": AGGREGATE,
            "score": result.score,
            "reason": None,
            "details": None,
            "documentation": None,
        }
    ]
    rows += [
        {
            **common,
            "check": check.name,
            "score": check.score,
            "reason": check.reason,
            "details": list(check.details) or None,
            "documentation": check.documentation,
        }
        for check in result.checks
    ]
    return rows


def _repository_id(session: Session, result: ScorecardResult) -> int:
    """The stored repository the result is about; one we do not know yet is stored as an
    upstream repository (Scorecard is also run on the projects we depend on)."""
    found = session.scalar(
        select(Repository.id)
        .where(Repository.full_name == result.full_name)
        .order_by((Repository.platform == "github").desc(), Repository.id)
        .limit(1)
    )
    if found is not None:
        return found
    platform = "github" if result.host == "github.com" else (result.host or "git")
    return ensure_repository(session, platform, result.full_name, relationship="upstream")


def write_results(engine: Engine, results: Iterable[ScorecardResult], source: str) -> int:
    """Write results in one transaction; returns the rows written."""
    written = 0
    with Session(engine) as session, session.begin():
        for result in results:
            repo_id = _repository_id(session, result)
            written += write_scorecard(session, repo_id, result_rows(result, source))
    return written


def scorecard_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: each file given, and the `*.json` files of each folder."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    return files


def import_scorecard_files(engine: Engine, paths: Iterable[Path]) -> list[RunResult]:
    """Import `scorecard --format json` files (or folders of them), one run per file."""
    results = []
    for path in scorecard_files(paths):
        result = RunResult(collector=COLLECTOR, target=str(path), status="running")
        run_id = start_run(engine, COLLECTOR, str(path))
        try:
            parsed = read_scorecard_file(path)
            result.items_seen = len(parsed)
            result.items_written = write_results(engine, parsed, "file")
            result.status = "ok"
        except ScorecardFormatError as exc:
            result.status, result.error = "failed", str(exc)
        finish_result(engine, run_id, result)
        results.append(result)
    return results


def public_github_repositories(engine: Engine, *, github_com: bool = True) -> list[str]:
    """Full names of the public github.com repositories we know: git repositories cloned from
    github.com, and (when `github_com`: the GitHub collector talks to github.com, not to an
    Enterprise server) the public GitHub-collected ones."""
    with Session(engine) as session:
        rows = session.execute(
            select(Repository.full_name, Repository.platform, Repository.source).where(
                Repository.unavailable_reason.is_(None),
                or_(Repository.visibility.is_(None), Repository.visibility == "public"),
            )
        ).all()
    names = set()
    for full_name, platform, source in rows:
        host = urlsplit(source).hostname if source and "://" in source else None
        if (platform == "github" and github_com) or host == "github.com":
            names.add(full_name)
    return sorted(names)


def fetch_scorecards(context: Context, *, only: str | None = None) -> list[RunResult]:
    """The latest published Scorecard result of every public GitHub repository we know."""
    settings = context.config.compliance.scorecard
    if not settings.fetch or context.is_demo:  # the demo's repositories exist nowhere
        return []
    api = ScorecardApi(settings.api_url)
    results = []
    github_com = not context.config.github.is_enterprise
    for name in public_github_repositories(context.engine, github_com=github_com):
        if only and name != only:
            continue
        result = RunResult(collector=COLLECTOR, target=name, status="running")
        run_id = start_run(context.engine, COLLECTOR, name)
        before = api.requests_made
        try:
            latest = api.latest(name)
            if latest is None:
                result.status = "unchanged"
                result.details["not_published"] = 1
            else:
                result.items_seen = 1
                result.items_written = write_results(context.engine, [latest], "api")
                result.status = "ok"
        except CollectorError as exc:
            result.status, result.error = "failed", str(exc)
        result.requests_made = api.requests_made - before
        finish_result(context.engine, run_id, result, requests_made=result.requests_made)
        results.append(result)
    return results
