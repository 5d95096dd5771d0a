"""Mirrors and mines the repositories of the configured organizations and `github:` entries.

Runs after the GitHub collector, from the repository rows its listing stored (id, clone URL,
size, fork, archived, default branch). Each repository is mirrored by `collectors.mirrors`
(`mirrors.parallel` at a time) and mined by the git collector as soon as its mirror is ready,
one repository at a time, because the store has one writer and new identities met in two
repositories at once must not race; `git log` itself already reads with several processes.

A mirror that fails (authentication, network, a repository gone) becomes a failed `git` run of
that repository, with what to change, and the others go on. A repository the listing no longer
shows (deleted, transferred away) keeps its mirror and its commits, and is reported as kept.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from collectors.base import RunResult
from collectors.git import GitSource
from collectors.mirrors import MirrorPolicy, MirrorTarget, mirror_all, mirror_path
from ospo_metrics.collect_git import collect_git
from ospo_metrics.context import Context
from ospo_metrics.models import Organization, Repository
from ospo_metrics.redact import redact, register_secret
from ospo_metrics.store import finish_run, start_run

PLATFORM = "github"
SUMMARY = "mirrors"  # the target of the summary line (skipped and kept repositories)


def mirror_root(context: Context) -> Path:
    return context.data_dir / "clones"


def clone_url(context: Context, full_name: str, reported: str | None) -> str:
    """The clone URL GitHub reported, else one derived from `github.base_url` (GHES too)."""
    return reported or f"{context.config.github.web_url}/{full_name}.git"


def _rows(session: Session, context: Context) -> list[Repository]:
    """Owned repositories of the configured organizations, and the configured `github:` ones."""
    config = context.config
    logins = [login.lower() for login in config.organizations]
    explicit = [e.github.lower() for e in config.repositories if e.kind == "github" and e.github]
    conditions = []
    if logins:
        conditions.append(
            Repository.organization_id.in_(
                select(Organization.id).where(
                    Organization.platform == PLATFORM, func.lower(Organization.login).in_(logins)
                )
            )
            & (Repository.relationship == "owned")
        )
    if explicit:
        conditions.append(func.lower(Repository.full_name).in_(explicit))
    if not conditions:
        return []
    query = select(Repository).where(Repository.platform == PLATFORM, or_(*conditions))
    return list(session.scalars(query.order_by(Repository.full_name)))


def _wanted(row: Repository, only: str | None) -> bool:
    if not only:
        return True
    wanted = only.lower()
    return row.full_name.lower() == wanted or row.full_name.lower().split("/")[0] == wanted


def mirror_targets(context: Context, only: str | None = None) -> tuple[list[MirrorTarget], Counter]:
    """The repositories to mirror now, and how many were left out, by reason."""
    policy = policy_of(context)
    left_out: Counter = Counter()
    targets = []
    with Session(context.engine) as session:
        for row in _rows(session, context):
            if not _wanted(row, only):
                continue
            if row.platform_id is None:
                left_out["without id"] += 1
                continue
            if row.unavailable_reason:
                left_out["kept (gone from GitHub)"] += 1
                continue
            target = MirrorTarget(
                full_name=row.full_name,
                platform_id=row.platform_id,
                clone_url=clone_url(context, row.full_name, row.clone_url),
                default_branch=row.default_branch,
                size_kb=row.size_kb,
                is_fork=bool(row.is_fork),
                is_archived=bool(row.is_archived),
            )
            reason = policy.skip_reason(target)
            if reason:
                left_out[reason] += 1
            else:
                targets.append(target)
    return targets, left_out


def policy_of(context: Context) -> MirrorPolicy:
    settings = context.config.mirrors
    return MirrorPolicy(
        forks=settings.include_forks,
        archived=settings.include_archived,
        max_size_kb=settings.max_size_kb,
    )


def mirrored_sources(context: Context, only: str | None = None) -> list[GitSource]:
    """The mirrors already on disk, as git sources (for the files collector)."""
    targets, _ = mirror_targets(context, only)
    root = mirror_root(context)
    sources = []
    for target in targets:
        path = mirror_path(root, target.clone_url, target.platform_id)
        if path.exists():
            sources.append(GitSource(name=target.full_name, path=path, url=target.clone_url))
    return sources


def collect_mirrors(
    context: Context,
    *,
    only: str | None = None,
    progress=None,
    env: Mapping[str, str] = os.environ,
) -> list[RunResult]:
    """Mirror every organization and `github:` repository, then mine each with the git
    collector (`platform` github: the commits join the repository's issues)."""
    if not context.config.mirrors.enabled:
        return []
    from ospo_metrics.collect_github import github_credential

    targets, left_out = mirror_targets(context, only)
    results: list[RunResult] = []
    if left_out:
        summary = RunResult(collector="mirror", target=SUMMARY, status="skipped")
        summary.items_seen = sum(left_out.values())
        summary.details.update(left_out)
        results.append(summary)
    if not targets:
        return results
    context.sync_people()
    credential = github_credential(context, env)

    def token() -> str | None:
        value = credential.token()
        register_secret(value)
        return value

    for outcome in mirror_all(
        targets,
        mirror_root(context),
        token,
        parallel=context.config.mirrors.parallel,
        credential=credential.description,
    ):
        name = outcome.target.full_name
        if outcome.error is not None:
            results.append(_failed(context, name, redact(outcome.error)))
            continue
        source = GitSource(name=name, path=outcome.path, url=outcome.target.clone_url)
        result = collect_git(
            context.engine,
            source,
            bots=context.bots,
            cache_dir=mirror_root(context),
            progress=progress(name) if progress else None,
            platform=PLATFORM,
        )
        if outcome.cloned:
            result.details["cloned"] = 1
        results.append(result)
    return results


def _failed(context: Context, target: str, error: str) -> RunResult:
    """A repository whose mirror failed: a failed `git` run, shown on Data sources."""
    run_id = start_run(context.engine, "git", target)
    finish_run(context.engine, run_id, "failed", error=error)
    return RunResult(collector="git", target=target, status="failed", error=error)
