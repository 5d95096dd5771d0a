"""SBOMs into the store: imported SPDX / CycloneDX files, and GitHub's dependency-graph SBOM of
every GitHub repository. Each SBOM is stored whole (one transaction) or not at all; the same
content twice is stored once, so re-imports and re-fetches add nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.base import CollectorError, RunResult
from collectors.sbom import SbomDocument, SbomFormatError, parse_sbom, read_sbom_file
from ospo_metrics.context import Context
from ospo_metrics.models import Repository
from ospo_metrics.store import finish_result, start_run, write_sbom

COLLECTOR = "sbom"
SBOM_SUFFIXES = (".json",)


def store_document(
    engine: Engine, document: SbomDocument, repository: str, source: str, name: str
) -> int:
    """Store one SBOM for `repository` (OWNER/NAME, which must be known); rows written."""
    with Session(engine) as session, session.begin():
        repo_id = session.scalar(
            select(Repository.id)
            .where(Repository.full_name == repository)
            .order_by(Repository.relationship != "owned", Repository.id)
            .limit(1)
        )
        if repo_id is None:
            raise CollectorError(
                f"{name}: repository {repository} is not in the database; collect it first "
                "or name another with --repo"
            )
        now = datetime.now(UTC)
        return write_sbom(
            session,
            repo_id,
            {
                "source": source,
                "name": name,
                "format": document.format,
                "created_at": document.created_at or now,
                "imported_at": now,
                "digest": document.digest,
            },
            [asdict(component) for component in document.components],
        )


def sbom_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += (
            sorted(p for p in path.glob("*") if p.suffix in SBOM_SUFFIXES)
            if path.is_dir()
            else [path]
        )
    return files


def import_sbom_files(
    engine: Engine, paths: Iterable[Path], repository: str | None = None
) -> list[RunResult]:
    """Import SBOM files (or folders of them), one run per file; `repository` says whose they
    are when the SBOM does not (GitHub's export and pkg:github purls do)."""
    results = []
    for path in sbom_files(paths):
        result = RunResult(collector=COLLECTOR, target=str(path), status="running")
        run_id = start_run(engine, COLLECTOR, str(path))
        try:
            document = read_sbom_file(path)
            owner = repository or document.repository
            if not owner:
                raise SbomFormatError(
                    f"{path}: the SBOM does not say which repository it describes; "
                    "name it with --repo OWNER/NAME"
                )
            result.items_seen = len(document.components)
            result.items_written = store_document(engine, document, owner, "file", path.name)
            result.status = "ok" if result.items_written else "unchanged"
        except CollectorError as exc:
            result.status, result.error = "failed", str(exc)
        finish_result(engine, run_id, result)
        results.append(result)
    return results


def github_repositories(engine: Engine) -> list[str]:
    """The GitHub repositories we own (the dependency graph is read for each)."""
    with Session(engine) as session:
        return sorted(
            session.scalars(
                select(Repository.full_name).where(
                    Repository.platform == "github",
                    Repository.relationship == "owned",
                    Repository.unavailable_reason.is_(None),
                )
            )
        )


def fetch_github_sboms(
    context: Context,
    *,
    only: str | None = None,
    env: Mapping[str, str] | None = None,
) -> list[RunResult]:
    """GitHub's dependency-graph SBOM (`GET /repos/{owner}/{repo}/dependency-graph/sbom`) of
    each GitHub repository we own; a repository without a dependency graph is skipped."""
    if not context.config.compliance.sbom.github_dependency_graph or context.is_demo:
        return []
    names = [n for n in github_repositories(context.engine) if not only or n == only]
    if not names:
        return []
    from collectors.github.errors import GitHubApiError, RepositoryUnavailable
    from ospo_metrics.collect_github import _http
    from ospo_metrics.secrets import environment_with_secrets

    env = environment_with_secrets() if env is None else env
    http, _credential = _http(context, env, time.sleep, time.time, None, 30.0)
    results = []
    for name in names:
        result = RunResult(collector=COLLECTOR, target=f"github:{name}", status="running")
        run_id = start_run(context.engine, COLLECTOR, result.target)
        try:
            answer = http.get(f"/repos/{name}/dependency-graph/sbom", repository=name)
            result.requests_made = 1
            document = parse_sbom(json.dumps(answer.body).encode(), f"{name} dependency graph")
            result.items_seen = len(document.components)
            result.items_written = store_document(
                context.engine, document, name, "github", "dependency-graph"
            )
            result.status = "ok" if result.items_written else "unchanged"
        except RepositoryUnavailable:
            # 404: the dependency graph is off (or the repository is gone): nothing to read.
            result.status, result.details["no_dependency_graph"] = "unchanged", 1
        except (CollectorError, GitHubApiError) as exc:
            result.status, result.error = "failed", str(exc)
        finish_result(context.engine, run_id, result, requests_made=result.requests_made)
        results.append(result)
    return results
