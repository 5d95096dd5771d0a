"""The per-repository pipeline as a stream of events: probe, plan, fetch, finish.

For each group of repositories (one probe query's worth) the pipeline probes what changed,
plans the work against what is already stored, fetches the changed items in one-point GraphQL
batches, then reads each finished repository's releases, community profile and review
comments over REST. It yields what it learns as small events and never touches the database:
the runner writes the events and asks nothing back but `stored(full_name)`, the stored
version (`updatedAt`) of each item, which is what makes an interrupted run resume item by item.

Rate-limit stops, authentication failures and interruptions propagate; any other GitHub
failure becomes a :class:`Failed` event for the repositories it concerns, and the next group
goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collectors.github.cursor import Plan, plan
from collectors.github.errors import GitHubApiError, RepositoryUnavailable
from collectors.github.history import History, ProbeTarget
from collectors.github.http import GitHubHttp, RequestStats
from collectors.github.items import (
    ComplianceItem,
    IssueItem,
    ReleaseItem,
    ReviewCommentItem,
    iso,
    parse_time,
)
from collectors.github.queries import ItemRef
from collectors.github.rest import RestApi


@dataclass
class RepoState:
    """What the runner knows of a repository before the run."""

    full_name: str
    cursor: Mapping[str, Any]
    is_fork: bool
    pushed_at: datetime | None


@dataclass
class Probed:
    """Every repository probed: metadata that only GraphQL knows."""

    full_name: str
    watchers: int | None
    security_policy: bool | None


@dataclass
class Started:
    """A repository has something to fetch: the runner opens its run."""

    full_name: str
    plan: Plan


@dataclass
class Fetched:
    """Complete items of one repository, with its share of the batch's GraphQL cost."""

    full_name: str
    items: list[IssueItem]
    requests: float
    points: float


@dataclass
class Finished:
    """Everything of a started repository was fetched; `cursor` may now be stored."""

    full_name: str
    cursor: dict[str, Any]
    releases: list[ReleaseItem] | None  # None: not re-read
    checks: list[ComplianceItem] | None  # None: not re-read, or unchanged (304)
    review_comments: list[ReviewCommentItem] = field(default_factory=list)
    cost: RequestStats = field(default_factory=RequestStats)


@dataclass
class Failed:
    full_name: str
    reason: str
    unavailable: bool  # deleted, renamed, blocked: recorded on the repository


@dataclass
class Progress:
    done: int
    total: int


Event = Probed | Started | Fetched | Finished | Failed | Progress


class RepositoryPipeline:
    def __init__(self, http: GitHubHttp) -> None:
        self.http = http
        self.history = History(http)
        self.rest = RestApi(http)

    def run(
        self, states: list[RepoState], stored: Callable[[str], Mapping[int, datetime | None]]
    ) -> Iterator[Event]:
        by_name = {state.full_name: state for state in states}
        targets = [
            ProbeTarget(
                s.full_name,
                pulls_since=parse_time(s.cursor.get("pulls")),
                issues_since=parse_time(s.cursor.get("issues")),
            )
            for s in states
        ]
        size = self.history.group_size
        for start in range(0, len(targets), size):
            group = targets[start : start + size]
            try:
                probes = self.history.probe_group(group)
            except GitHubApiError as exc:
                for target in group:
                    yield Failed(target.full_name, str(exc), unavailable=False)
                continue
            plans: dict[str, Plan] = {}
            for probe in probes:
                name = probe.full_name
                if probe.unavailable or probe.error:
                    yield Failed(
                        name, probe.unavailable or probe.error or "", bool(probe.unavailable)
                    )
                    continue
                yield Probed(name, probe.watchers, probe.security_policy)
                state = by_name[name]
                work = plan(
                    name,
                    state.cursor,
                    probe,
                    stored(name),
                    is_fork=state.is_fork,
                    pushed_at=state.pushed_at,
                )
                if work is not None:
                    plans[name] = work
                    yield Started(name, work)
            yield from self._fetch(plans, by_name)
            yield Progress(min(start + size, len(targets)), len(targets))

    def _fetch(self, plans: dict[str, Plan], states: dict[str, RepoState]) -> Iterator[Event]:
        open_plans = dict(plans)
        remaining = {name: len(work.refs) for name, work in plans.items()}
        for name in [n for n, count in remaining.items() if count == 0]:
            yield self._finish(states[name], open_plans.pop(name))
        batches = self.history.details([ref for work in plans.values() for ref in work.refs])
        try:
            while open_plans:
                before = self.http.stats.snapshot()
                batch = next(batches, None)
                if batch is None:
                    break
                cost = self.http.stats.since(before)
                for name in sorted(set(batch.unavailable) & set(open_plans)):
                    del open_plans[name]
                    yield Failed(name, batch.unavailable[name], unavailable=True)
                yield from self._fetched(batch.items, batch.refs, cost, open_plans)
                for ref in batch.refs:
                    if ref.repository in open_plans:
                        remaining[ref.repository] -= 1
                        if remaining[ref.repository] == 0:
                            work = open_plans.pop(ref.repository)
                            yield self._finish(states[ref.repository], work)
        except GitHubApiError as exc:  # a batch failed for good: its repositories fail
            for name in list(open_plans):
                del open_plans[name]
                yield Failed(name, str(exc), unavailable=False)

    @staticmethod
    def _fetched(
        items: list[tuple[str, IssueItem]],
        refs: list[ItemRef],
        cost: RequestStats,
        open_plans: Mapping[str, Plan],
    ) -> Iterator[Fetched]:
        """Items by repository, each with its part of the batch's cost (by requests asked)."""
        total = sum(ref.cost for ref in refs) or 1
        share: dict[str, int] = {}
        for ref in refs:
            share[ref.repository] = share.get(ref.repository, 0) + ref.cost
        by_repo: dict[str, list[IssueItem]] = {name: [] for name in share}
        for name, item in items:
            by_repo[name].append(item)
        for name, found in by_repo.items():
            if name in open_plans:
                part = share[name] / total
                yield Fetched(name, found, cost.graphql_requests * part, cost.graphql_points * part)

    def _finish(self, state: RepoState, work: Plan) -> Finished | Failed:
        """Releases, community profile and review comments of a repository, over REST."""
        name = state.full_name
        cursor = dict(work.cursor)
        before = self.http.stats.snapshot()
        done = Finished(name, cursor, releases=None, checks=None)
        try:
            if work.releases:
                done.releases = self.rest.releases(name)
                counted = (cursor.get("releases") or [0])[0] or 0
                if counted and not done.releases:
                    # An empty answer where the probe just counted releases: not GitHub's
                    # word (e.g. a redirect elsewhere). Storing the cursor would keep them
                    # out for good, so the repository fails and is read again next run.
                    return Failed(
                        name,
                        f"GitHub listed no releases where it counted {counted} a moment ago; "
                        "not trusted (read again on the next run)",
                        unavailable=False,
                    )
            if work.community:
                done.checks, etag = self.rest.community(name, cursor.get("community_etag"))
                cursor["community_etag"] = etag
                cursor["community_pushed_at"] = iso(state.pushed_at)
            if work.review_comments:
                since = parse_time(cursor.get("review_comments"))
                done.review_comments = list(self.rest.review_comments(name, since))
                stamps = [iso(c.updated_at) for c in done.review_comments if c.updated_at]
                if stamps:
                    cursor["review_comments"] = max([*stamps, cursor.get("review_comments") or ""])
        except RepositoryUnavailable as exc:
            return Failed(name, exc.reason, unavailable=True)
        except GitHubApiError as exc:
            return Failed(name, str(exc), unavailable=False)
        done.cost = self.http.stats.since(before)
        return done
