"""Collection split into jobs: one per repository and source, in three phases.

The same plan serves the local process pool (`collect --workers N`, :mod:`.pool`) and the RQ
task queue (`collect --queue URL`, :mod:`.queue`), and each job runs the same collector code a
plain `collect` runs, restricted to its target, so any split ends in the same database.

1. ``sources``: each configured git repository (``git``), and one ``github`` job for the whole
   GitHub API collection. GitHub is one job, not one per organization, because it is bound by
   one token's rate budget, and because the organizations' member lists decide together which
   memberships close and whose upstream pull requests are searched.
2. ``mirrors``: each organization repository the GitHub listing stored: mirrored and mined.
3. ``compliance``: required files, OpenSSF Scorecard and GitHub's SBOM, per repository.
4. ``registry``: one ``releases`` job asking deps.dev about the packages the stored SBOMs
   list (for libyears; opt-in). One job, after the SBOMs, because it reads all of them and
   asks one third party: splitting it would only ask about shared packages twice.

A phase is planned when it starts, from what the previous one stored (the mirrors phase needs
the listing). A job holds a lock on its source and target while it runs, so two workers never
collect the same repository at once (a second waits, then finds little left to do).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from collectors.base import RunResult
from ospo_metrics.context import Context
from ospo_metrics.store.locks import lock_key

PHASES = ("sources", "mirrors", "compliance", "registry")
SOURCES = ("git", "github", "mirror", "files", "scorecard", "sbom", "releases")
COMPLIANCE = ("files", "scorecard", "sbom")


@dataclass(frozen=True, order=True)
class JobSpec:
    """One unit of collection: a source and the target it is restricted to."""

    source: str
    target: str

    @property
    def label(self) -> str:
        return f"{self.source} {self.target}"


def plan_phase(context: Context, phase: str, source: str = "all", only: str | None = None):
    """The jobs of `phase` for `collect SOURCE [--repo ONLY]`, from the database as it is now."""
    if phase == "sources":
        return _sources_phase(context, source, only)
    if phase == "mirrors":
        return _mirrors_phase(context, source, only)
    if phase == "compliance":
        return _compliance_phase(context, source, only)
    if phase == "registry":
        return _registry_phase(context, source, only)
    raise ValueError(f"unknown phase {phase!r}")


def _matches(name: str, only: str | None) -> bool:
    if not only:
        return True
    wanted = only.lower()
    return name.lower() == wanted or name.lower().split("/")[0] == wanted


def _sources_phase(context: Context, source: str, only: str | None) -> list[JobSpec]:
    from ospo_metrics.collect import git_sources, has_github_sources

    jobs = []
    if source in ("all", "git"):
        jobs += [
            JobSpec("git", s.name) for s in git_sources(context.config) if _matches(s.name, only)
        ]
    if source in ("all", "github") and has_github_sources(context):
        jobs.append(JobSpec("github", only or "*"))
    return jobs


def _mirrors_phase(context: Context, source: str, only: str | None) -> list[JobSpec]:
    if source not in ("all", "git") or not context.config.mirrors.enabled:
        return []
    from ospo_metrics.collect.mirrors import mirror_targets

    targets, _left_out = mirror_targets(context, only)
    return [JobSpec("mirror", t.full_name) for t in targets]


def _compliance_phase(context: Context, source: str, only: str | None) -> list[JobSpec]:
    from ospo_metrics.collect import git_sources
    from ospo_metrics.collect.mirrors import mirror_targets
    from ospo_metrics.compliance.sbom import github_repositories
    from ospo_metrics.compliance.scorecard import public_github_repositories

    wanted = COMPLIANCE if source == "all" else (source,) if source in COMPLIANCE else ()
    jobs = []
    if "files" in wanted:
        names = [s.name for s in git_sources(context.config)]
        if context.config.mirrors.enabled:
            names += [t.full_name for t in mirror_targets(context, only)[0]]
        jobs += [JobSpec("files", n) for n in dict.fromkeys(names) if _matches(n, only)]
    if "scorecard" in wanted and context.config.compliance.scorecard.fetch and not context.is_demo:
        github_com = not context.config.github.is_enterprise
        names = public_github_repositories(context.engine, github_com=github_com)
        jobs += [JobSpec("scorecard", n) for n in names if _matches(n, only)]
    sbom = context.config.compliance.sbom.github_dependency_graph
    if "sbom" in wanted and sbom and not context.is_demo:
        names = github_repositories(context.engine)
        jobs += [JobSpec("sbom", n) for n in names if _matches(n, only)]
    return jobs


def _registry_phase(context: Context, source: str, only: str | None) -> list[JobSpec]:
    settings = context.config.compliance.registry
    if source not in ("all", "releases") or not settings.fetch or context.is_demo:
        return []
    return [JobSpec("releases", only or "*")]


def run_job(
    context: Context, job: JobSpec, env: Mapping[str, str] | None = None
) -> list[RunResult]:
    """Run one job with its target locked; the collectors record their own runs."""
    from ospo_metrics.secrets import environment_with_secrets

    env = environment_with_secrets() if env is None else env
    with target_lock(context, f"collect:{job.source}:{job.target.lower()}"):
        return _dispatch(context, job, env)


def _dispatch(context: Context, job: JobSpec, env: Mapping[str, str]) -> list[RunResult]:
    if job.source == "git":
        from ospo_metrics.collect import collect_git_sources

        return collect_git_sources(context, only=job.target)
    if job.source == "github":
        from ospo_metrics.collect_github import collect_github_sources

        only = None if job.target == "*" else job.target
        return collect_github_sources(context, only=only, env=env)
    if job.source == "mirror":
        from ospo_metrics.collect.mirrors import collect_mirrors

        return [
            r for r in collect_mirrors(context, only=job.target, env=env) if r.target != "mirrors"
        ]
    if job.source in COMPLIANCE:
        from ospo_metrics.compliance.collect import collect_compliance_sources

        return collect_compliance_sources(context, job.source, only=job.target)
    if job.source == "releases":
        from ospo_metrics.compliance.releases import fetch_releases

        return fetch_releases(context, only=None if job.target == "*" else job.target)
    raise ValueError(f"unknown source {job.source!r}")


@contextmanager
def target_lock(context: Context, name: str) -> Iterator[None]:
    """Hold the lock `name` across processes and machines while the block runs.

    PostgreSQL: a session advisory lock on a connection of its own, which the server releases
    when the holder's connection ends, so a killed worker never leaves it held. SQLite (one
    machine): an flock on a file under data_dir/locks, which the kernel releases likewise.
    """
    engine = context.engine
    if engine.dialect.name == "postgresql":
        key = lock_key(name)
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    folder = Path(context.data_dir) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the flock
