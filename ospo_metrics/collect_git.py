"""Runs the git collector over one repository and stores what it finds.

Incremental by ref tips: the cursor of a finished run holds the commit each ref pointed to, so
the next run reads only commits reachable from the new tips and not from the old ones. Commits
are written in batches, each its own transaction: an interrupted run keeps every batch already
committed, and the next run skips those commits and reads the rest.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.base import CollectorError, ProgressCallback, RunResult
from collectors.git import GitCommit, GitSource, prepare_repository, utc
from ospo_metrics.identity import BotRules, identity_key
from ospo_metrics.models import Commit, Repository
from ospo_metrics.store import (
    PeopleResolver,
    ensure_repository,
    finish_run,
    insert_missing,
    last_cursor,
    lookup_key,
    start_run,
)

COLLECTOR = "git"


def collect_git(
    engine: Engine,
    source: GitSource,
    *,
    bots: BotRules,
    cache_dir: Path,
    progress: ProgressCallback | None = None,
    jobs: int | None = None,
    platform: str = "git",
) -> RunResult:
    """Collect one repository; the result says what was seen and written, or what went wrong."""
    result = RunResult(collector=COLLECTOR, target=source.name, status="running")
    run_id = start_run(engine, COLLECTOR, source.name)
    try:
        cursor = _collect(engine, source, bots, cache_dir, progress, jobs, platform, result)
    except CollectorError as exc:
        result.status, result.error = "failed", str(exc)
        finish_run(engine, run_id, "failed", error=result.error, **_counts(result))
        return result
    except BaseException:
        # Ctrl-C or a crash: the batches already committed stay; the run says where it stopped.
        finish_run(engine, run_id, "interrupted", error="interrupted", **_counts(result))
        raise
    finish_run(engine, run_id, result.status, cursor=cursor, **_counts(result))
    return result


def _counts(result: RunResult) -> dict[str, int]:
    return {"items_seen": result.items_seen, "items_written": result.items_written}


def _collect(
    engine: Engine,
    source: GitSource,
    bots: BotRules,
    cache_dir: Path,
    progress: ProgressCallback | None,
    jobs: int | None,
    platform: str,
    result: RunResult,
) -> dict:
    repo = prepare_repository(source, cache_dir)
    tips = repo.resolve_refs(source.refs)
    cursor = {"tips": tips}
    with Session(engine) as session:
        known = (last_cursor(session, COLLECTOR, source.name) or {}).get("tips", {})
        repo_id = session.scalar(
            select(Repository.id).where(
                Repository.platform == platform, Repository.full_name == source.name
            )
        )
        if known == tips and repo_id is not None:
            result.status = "unchanged"
            return cursor

        candidates = repo.new_commits(list(tips.values()), list(known.values()))
        if repo_id is None:
            repo_id = ensure_repository(
                session, platform, source.name, source=source.display_source
            )
            session.commit()
        stored = (
            set(session.scalars(select(Commit.sha).where(Commit.repository_id == repo_id)))
            if candidates
            else set()
        )
        todo = [sha for sha in candidates if sha not in stored]
        result.items_seen = len(candidates)
        if progress:
            progress(0, len(todo))

        resolver = PeopleResolver(session, bots)
        done = 0
        for batch in repo.read_commits(todo, jobs=jobs):
            people = resolver.resolve_emails(
                [(c.author_name, c.author_email) for c in batch]
                + [(c.committer_name, c.committer_email) for c in batch]
            )
            rows = [_commit_row(repo_id, commit, people) for commit in batch]
            insert_missing(session, Commit, rows, ["repository_id", "sha"])
            session.commit()
            done += len(batch)
            result.items_written = done
            if progress:
                progress(done, len(todo))
    result.status = "ok" if todo else "unchanged"
    return cursor


def _commit_row(repo_id: int, commit: GitCommit, people: dict[str, int]) -> dict:
    author_key = identity_key(email=commit.author_email)
    return {
        "repository_id": repo_id,
        "sha": commit.sha,
        "parents": " ".join(commit.parents),
        "author_id": people[lookup_key(commit.author_name, commit.author_email)],
        "author_email": commit.author_email.lower(),
        "authored_at": utc(commit.authored_at),
        "author_tz_offset": int(commit.authored_at.utcoffset().total_seconds() // 60),
        "committer_id": people[lookup_key(commit.committer_name, commit.committer_email)],
        "committed_at": utc(commit.committed_at),
        "additions": commit.additions,
        "deletions": commit.deletions,
        "files_changed": commit.files_changed,
        "binary_files": commit.binary_files,
        "is_merge": commit.is_merge,
        # The DCO check counts a sign-off only when it is the author's own (same identity).
        "signed_off": any(
            identity_key(email=email) == author_key for _, email in commit.signed_off_by
        ),
        "co_authors": " ".join(email.lower() for _, email in commit.co_authors),
        "subject": commit.subject,
    }
