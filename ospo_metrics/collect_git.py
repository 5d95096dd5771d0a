"""Runs the git collector over one repository and stores what it finds.

Incremental by ref tips: the cursor of a finished run holds the commit each ref pointed to and
a fingerprint of what cuts history behind them (a shallow clone's boundary). When every ref
only moved forward and the fingerprint is the same, the next run reads only commits reachable
from the new tips and not from the old ones.

Otherwise (a force-push, a ref dropped from `refs`, a deepened clone, a first run, a cursor
from an older version) the run reconciles: the database is made equal to a fresh collection
of the history reachable now. Stored commits that are no longer reachable from the configured
refs are deleted, and stored commits whose parents changed are read again.

Commits are written in batches, each its own transaction: an interrupted run keeps every batch
already committed, and the next run skips those commits and reads the rest.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.base import CollectorError, ProgressCallback, RunResult
from collectors.git import (
    EmptyRepository,
    GitCommit,
    GitRepository,
    GitSource,
    ensure_full_history,
    prepare_repository,
    utc,
)
from ospo_metrics.models import Repository
from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.identity import identity_key
from ospo_metrics.store import (
    PeopleResolver,
    clean_name,
    ensure_repository,
    finish_run,
    last_cursor,
    lookup_key,
    start_run,
)
from ospo_metrics.store.commits import (
    CommitWriter,
    delete_commits,
    stored_among,
    stored_parents,
)

COLLECTOR = "git"
# Statuses of a git run: ok (something written or removed), unchanged, empty (a repository
# without commits: nothing to collect), failed (with `error`), interrupted.
EMPTY = "empty"


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
    """Collect one repository; the result says what was seen and written, or what went wrong.

    `result.details` counts `removed` commits (no longer reachable) and `repaired` commits
    (metadata git could not print as is: see `collectors.gitlog`).
    """
    result = RunResult(collector=COLLECTOR, target=source.name, status="running")
    run_id = start_run(engine, COLLECTOR, source.name)
    try:
        cursor = _collect(engine, source, bots, cache_dir, progress, jobs, platform, result)
    except EmptyRepository:
        result.status = EMPTY
        finish_run(engine, run_id, EMPTY, **_counts(result))
        return result
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


def moved_forward(repo: GitRepository, known: dict[str, str], tips: dict[str, str]) -> bool:
    """True when every ref of the last run is still configured and only moved forward."""
    return all(name in tips and repo.is_ancestor(sha, tips[name]) for name, sha in known.items())


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
    ensure_full_history(repo, source)
    tips = repo.resolve_refs(source.refs)
    cursor = {"tips": tips, "history": repo.history_fingerprint()}
    with Session(engine) as session:
        previous = last_cursor(session, COLLECTOR, source.name) or {}
        known = previous.get("tips", {})
        repo_id = session.scalar(
            select(Repository.id).where(
                Repository.platform == platform, Repository.full_name == source.name
            )
        )
        incremental = (
            repo_id is not None
            and "history" in previous
            and previous["history"] == cursor["history"]
            and moved_forward(repo, known, tips)
        )
        if incremental and known == tips:
            result.status = "unchanged"
            return cursor
        if repo_id is None:
            repo_id = ensure_repository(
                session, platform, source.name, source=source.display_source
            )
            session.commit()

        if incremental:
            candidates = repo.new_commits(list(tips.values()), list(known.values()))
            stored = stored_among(session, repo_id, candidates)
            todo = [sha for sha in candidates if sha not in stored]
            result.items_seen = len(candidates)
            first = False
        else:
            todo, first = _reconcile(session, repo, repo_id, tips, result)
        if progress:
            progress(0, len(todo))

        resolver = PeopleResolver(session, bots)
        writer = CommitWriter(session, first=first)
        done = repaired = 0
        for batch in repo.read_commits(todo, jobs=jobs):
            # Co-authors too: a co-authored commit is a contribution of each of them.
            people = resolver.resolve_emails(
                [(c.author_name, c.author_email) for c in batch]
                + [(c.committer_name, c.committer_email) for c in batch]
                + [pair for c in batch for pair in c.co_authors]
            )
            writer.write([commit_row(repo_id, commit, people) for commit in batch])
            session.commit()
            done += len(batch)
            repaired += sum(1 for commit in batch if commit.repairs)
            result.items_written = done
            result.details["repaired"] = repaired
            if progress:
                progress(done, len(todo))
    changed = todo or result.details.get("removed")
    result.status = "ok" if changed else "unchanged"
    return cursor


def _reconcile(
    session: Session,
    repo: GitRepository,
    repo_id: int,
    tips: dict[str, str],
    result: RunResult,
) -> tuple[list[str], bool]:
    """Make the stored commits those reachable from `tips`; return the commits to read, and
    whether the repository has no stored commit left (then none of them can conflict).

    Deletes stored commits that are not reachable any more (a force-push, a ref removed from
    the config) and those stored with other parents than git now reports (e.g. the boundary
    of a shallow clone, stored as a root commit by an older version): those are read again.
    """
    reachable = repo.reachable(list(tips.values()))
    stored = stored_parents(session, repo_id)
    stale = [sha for sha, parents in stored.items() if reachable.get(sha) != parents]
    if stale:
        delete_commits(session, repo_id, stale)
        session.commit()
    for sha in stale:
        del stored[sha]
    result.items_seen = len(reachable)
    result.details["removed"] = sum(1 for sha in stale if sha not in reachable)
    return [sha for sha in reachable if sha not in stored], not stored


def commit_row(repo_id: int, commit: GitCommit, people: dict[str, int]) -> dict:
    author_key = identity_key(email=commit.author_email)
    return {
        "repository_id": repo_id,
        "sha": commit.sha,
        "parents": " ".join(commit.parents),
        "author_id": people[lookup_key(commit.author_name, commit.author_email)],
        "author_name": clean_name(commit.author_name) or "",
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
