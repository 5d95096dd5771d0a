"""Collects who forked the repositories we own (the public-sector "reuse by others" KPI).

One run per organization (`forks:LOGIN`) and one for the `github:` repositories no
organization listed (`forks:repositories`), after their repositories were listed. For each
repository we own whose `forks_count` (from the listing, so free) is above 0 it lists
`GET /repos/{owner}/{repo}/forks?sort=oldest&per_page=100` with conditional requests, and
stores each fork by its GitHub id (:mod:`ospo_metrics.store.forks`).

What a re-run costs: a repository whose fork count is the one of its last listing, listed less
than :data:`REFRESH_DAYS` ago, is not asked at all (a new or deleted fork changes the count).
Otherwise every page is asked with its ETag: oldest first, only the pages from a change on
answer 200; the others are 304s, free of rate limit. The refresh catches what leaves the
count alone (a fork renamed or transferred to another owner, one deleted as another came).

The run's cursor holds, per repository, the count, when it was listed and the ETags of its
pages; it is updated after every repository, so a stopped run resumes with the rest.
A repository whose listing fails makes the run partial (with what failed, on Data sources) and
keeps its old cursor entry; the others go on.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from collectors.github.errors import GitHubApiError, GitHubUnreachable, RepositoryUnavailable
from collectors.github.http import ConditionalCache
from collectors.github.items import iso, parse_time
from ospo_metrics.store import latest_cursor, stored_repositories
from ospo_metrics.store.forks import live_fork_counts, mark_all_deleted, write_forks

if TYPE_CHECKING:
    from ospo_metrics.collect_github import GitHubCollection

REFRESH_DAYS = 30
TARGET_PREFIX = "forks:"
EXPLICIT_TARGET = "forks:repositories"

log = logging.getLogger("ospo_metrics.github")


def collect_forks(collection: GitHubCollection, names: list[str], target: str) -> None:
    """List the forks of the owned repositories among `names`, as the run `target`. Like an
    unchanged repository, a listing with nothing to ask leaves no run."""
    from ospo_metrics.collect_github import COLLECTOR, PLATFORM

    session = collection.session
    rows = stored_repositories(
        session, PLATFORM, names, ("id", "forks", "relationship", "unavailable_reason")
    )
    owned = {
        name: row
        for name, row in sorted(rows.items())
        if row["relationship"] == "owned" and row["unavailable_reason"] is None
    }
    old = (latest_cursor(session, COLLECTOR, target) or {}).get("repositories") or {}
    now = datetime.fromtimestamp(collection.clock(), UTC).replace(microsecond=0)
    live = live_fork_counts(session)
    work = [name for name, row in owned.items() if _due(row, old.get(name), live, now)]
    if not work:
        return
    with collection.tracked(target, keep_cursor_when_stopped=True) as run:
        state: dict[str, Any] = {
            name: old[name] for name, row in owned.items() if name in old and row["forks"]
        }
        run.cursor = {"repositories": state}  # updated in place after every repository
        failed: list[str] = []
        for name in work:
            row = owned[name]
            if not row["forks"]:  # none left: nothing to ask, but those we stored are gone
                run.result.items_written += mark_all_deleted(session, row["id"], now)
                session.commit()
                continue
            cache = ConditionalCache.load((state.get(name) or {}).get("etags"))
            try:
                forks, listed = collection.rest.forks(name, cache)
            except GitHubUnreachable:
                raise
            except (GitHubApiError, RepositoryUnavailable) as exc:
                session.rollback()
                failed.append(f"{name}: {exc}")
                log.warning("GitHub: the forks of %s cannot be listed: %s", name, exc)
                continue
            run.result.items_seen += len(listed)
            written = write_forks(session, row["id"], [_row(f) for f in forks], listed, now)
            run.result.items_written += written
            session.commit()
            state[name] = {"forks": row["forks"], "listed_at": iso(now), "etags": cache.dump()}
        if failed:  # partial: shown on Data sources; the next run asks those again
            run.result.details["failed"] = len(failed)
            run.status = "partial"
            run.problem = (
                f"the forks of {len(failed)} repositories could not be listed (the next run "
                f"asks again): {'; '.join(failed[:3])}"
            )


def _due(
    row: dict[str, Any], entry: dict[str, Any] | None, live: dict[int, int], now: datetime
) -> bool:
    """Whether a repository's forks must be asked (or, with no fork left, marked gone)."""
    if not row["forks"]:
        return bool(live.get(row["id"]))
    return not _fresh(entry, row["forks"], now)


def _fresh(entry: dict[str, Any] | None, count: int, now: datetime) -> bool:
    """True when the repository was listed recently with the same fork count."""
    if not entry or entry.get("forks") != count:
        return False
    listed = parse_time(entry.get("listed_at"))
    return listed is not None and now - listed < timedelta(days=REFRESH_DAYS)


def _row(fork: Any) -> dict[str, Any]:
    return {
        "platform_id": fork.platform_id,
        "full_name": fork.full_name,
        "owner_login": fork.owner_login,
        "owner_type": fork.owner_type,
        "created_at": fork.created_at,
    }
