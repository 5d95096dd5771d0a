"""Package release dates into the store, for libyears: `ospo-metrics collect releases`.

Runs after the SBOMs are stored. Every package our SBOMs list (distinct purl type and name)
whose type deps.dev covers is asked about once, then again only after
`compliance.registry.refresh_days`; the answer is stored per package in its own transaction,
so an interrupted run resumes where it stopped. A 404 is kept as "unknown to the registry"; an
error (an HTTP error, an answer that is not deps.dev's JSON) is recorded with that package
and the others go on. Only when deps.dev cannot be reached at all does the run stop.

Off by default (`compliance.registry.fetch`): it sends our dependencies' names to deps.dev.
The demo never fetches (its packages exist nowhere); it writes release dates of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.base import RunResult
from collectors.depsdev import (
    DepsDevApi,
    DepsDevError,
    DepsDevUnreachable,
    PackageReleases,
    registry_package,
)
from ospo_metrics.context import Context
from ospo_metrics.models import Repository, Sbom, SbomComponent
from ospo_metrics.store import (
    finish_result,
    finish_run,
    record_registry_error,
    registry_fetched,
    start_run,
    write_registry_answer,
)

COLLECTOR = "releases"
SOURCE = "deps.dev"
TARGET = "deps.dev"
# Errors named in the run's error text (the rest are counted); each package keeps its own.
ERRORS_SHOWN = 5


def sbom_packages(engine: Engine, only: str | None = None) -> list[tuple[str, str]]:
    """Distinct (purl type, name) of the components of every stored SBOM (of `only`'s)."""
    query = (
        select(SbomComponent.ecosystem, SbomComponent.name)
        .distinct()
        .where(SbomComponent.ecosystem.is_not(None))
    )
    if only:
        query = (
            query.join(Sbom, SbomComponent.sbom_id == Sbom.id)
            .join(Repository, Sbom.repository_id == Repository.id)
            .where(Repository.full_name == only)
        )
    with Session(engine) as session:
        return sorted((ecosystem, name) for ecosystem, name in session.execute(query))


def write_answer(
    engine: Engine,
    key: tuple[str, str],
    system: str,
    registry_name: str,
    answer: PackageReleases | None,
    now: datetime,
) -> int:
    """Store one package's answer (None: unknown to the registry); rows written."""
    package = {"source": SOURCE, "system": system, "registry_name": registry_name,
               "attempted_at": now}  # fmt: skip
    versions = None if answer is None else [asdict(v) for v in answer.versions]
    with Session(engine) as session, session.begin():
        return write_registry_answer(session, key, package, versions)


def _record_error(engine, key, system, registry_name, error: str, now: datetime) -> None:
    package = {"source": SOURCE, "system": system, "registry_name": registry_name,
               "attempted_at": now}  # fmt: skip
    with Session(engine) as session, session.begin():
        record_registry_error(session, key, package, error)


def fetch_releases(
    context: Context,
    *,
    only: str | None = None,
    api: DepsDevApi | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[RunResult]:
    """Ask deps.dev about every SBOM package due for a (re)fetch; one run for all of them."""
    settings = context.config.compliance.registry
    if not settings.fetch or context.is_demo:
        return []
    engine = context.engine
    api = api or DepsDevApi(settings.api_url)
    started = now()
    with Session(engine) as session:
        fetched = registry_fetched(session)
    due_before = started - timedelta(days=settings.refresh_days)
    result = RunResult(collector=COLLECTOR, target=only or TARGET, status="running")
    run_id = start_run(engine, COLLECTOR, result.target)
    unsupported = fresh = unknown = 0
    errors: list[str] = []
    try:
        for key in sbom_packages(engine, only):
            asked = registry_package(*key)
            if asked is None:
                unsupported += 1  # a purl type deps.dev does not cover: not guessed
                continue
            last = fetched.get(key)
            if last is not None and last > due_before:
                fresh += 1
                continue
            result.items_seen += 1
            try:
                answer = api.package(*asked)
            except DepsDevUnreachable as exc:
                errors.insert(0, str(exc))
                _record_error(engine, key, *asked, str(exc), now())
                break  # the next package would fail the same way; the next run resumes
            except DepsDevError as exc:
                errors.append(str(exc))
                _record_error(engine, key, *asked, str(exc), now())
                continue
            unknown += answer is None
            result.items_written += write_answer(engine, key, *asked, answer, now())
    except KeyboardInterrupt:
        finish_run(engine, run_id, "interrupted", items_seen=result.items_seen,
                   items_written=result.items_written, requests_made=api.requests_made)  # fmt: skip
        raise
    answered = result.items_seen - len(errors)
    if errors and answered <= 0:
        result.status = "failed"
    else:
        result.status = "ok" if result.items_written else "unchanged"
    if errors:
        shown = "; ".join(errors[:ERRORS_SHOWN])
        more = f" (and {len(errors) - ERRORS_SHOWN} more)" if len(errors) > ERRORS_SHOWN else ""
        result.error = f"{len(errors)} package(s) not fetched: {shown}{more}"
    result.requests_made = api.requests_made
    result.details.update(
        {"failed": len(errors), "unknown": unknown, "fresh": fresh, "unsupported": unsupported}
    )
    finish_result(engine, run_id, result, requests_made=result.requests_made)
    return [result]
