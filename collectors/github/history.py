"""Issue and pull-request history over GraphQL: probe what changed, then fetch it in batches.

1. :meth:`History.probe_group` lists, for many repositories per query, the `(number, updatedAt)` of
   pull requests (newest first, until the repository's cursor) and issues (`filterBy.since`
   the cursor), plus the security-policy flag, the watcher count and the newest release. An
   unchanged repository costs one flat page of each: the probes of ~37 repositories fit in one
   point, which is what makes an unchanged re-run nearly free.
2. :meth:`History.details` fetches the changed items by number, packed across repositories
   into queries of one point each, and pages any nested comments/reviews beyond 100.

The caller compares the probe with what it stored (same `updatedAt` = nothing to fetch), so an
interrupted run resumes at item granularity without any extra cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collectors.github.errors import GitHubApiError
from collectors.github.http import GitHubHttp
from collectors.github.items import Activity, Actor, IssueItem, iso, parse_time
from collectors.github.queries import (
    MAX_REQUESTS,
    ItemRef,
    Overflow,
    ProbePart,
    details_query,
    overflow_query,
    probe_query,
)

# Probe page sizes: a page costs one request whatever its size, but with a cursor most
# repositories changed little, so a small first page of pull requests saves bandwidth.
FULL_PAGE = 100
SMALL_PAGE = 10
PROBE_REQUESTS = 4  # watchers, releases, pull requests, issues


@dataclass
class ProbeTarget:
    full_name: str
    pulls_since: datetime | None = None
    issues_since: datetime | None = None


@dataclass
class RepoProbe:
    full_name: str
    security_policy: bool | None = None
    watchers: int | None = None
    releases: list[Any] | None = None  # [count, newest tag, its updatedAt]: a change signature
    pulls: dict[int, datetime] = field(default_factory=dict)  # changed since the cursor
    issues: dict[int, datetime] = field(default_factory=dict)
    pulls_newest: datetime | None = None  # the next cursors
    issues_newest: datetime | None = None
    unavailable: str | None = None
    error: str | None = None


@dataclass
class DetailBatch:
    items: list[tuple[str, IssueItem]] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    missing: list[ItemRef] = field(default_factory=list)  # deleted or transferred meanwhile
    refs: list[ItemRef] = field(default_factory=list)


def _errors_by_alias(errors: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for error in errors:
        path = error.get("path") or []
        if path:
            out.setdefault(str(path[0]), error)
    return out


def _unavailable_reason(error: dict | None) -> str:
    if error and error.get("type") == "NOT_FOUND":
        return "not found (deleted, renamed or no longer visible to this token)"
    return (error or {}).get("message") or "not returned by GitHub GraphQL"


class History:
    def __init__(self, http: GitHubHttp) -> None:
        self.http = http

    # ---- probes -----------------------------------------------------------------------------

    #: repositories whose first probe page fits one one-point query
    group_size = max(1, MAX_REQUESTS // PROBE_REQUESTS)

    def probe_group(self, targets: list[ProbeTarget]) -> list[RepoProbe]:
        """Probe up to `group_size` repositories (follow-up pages included), in order."""
        results = {t.full_name: RepoProbe(t.full_name) for t in targets}
        parts = []
        for i, target in enumerate(targets):
            owner, name = target.full_name.split("/", 1)
            parts.append(
                (
                    target,
                    ProbePart(
                        alias=f"r{i}",
                        owner=owner,
                        name=name,
                        pulls_first=SMALL_PAGE if target.pulls_since else FULL_PAGE,
                        issues_since=iso(target.issues_since),
                    ),
                )
            )
        while parts:
            data, errors = self.http.graphql(*probe_query([part for _, part in parts]))
            if not data and errors:
                raise GitHubApiError("GitHub GraphQL error: " + errors[0].get("message", ""))
            failed = _errors_by_alias(errors)
            following = []
            for i, (target, part) in enumerate(parts):
                result = results[target.full_name]
                node = data.get(part.alias)
                if node is None:
                    error = failed.get(part.alias)
                    if error is None or error.get("type") == "NOT_FOUND":
                        result.unavailable = _unavailable_reason(error)
                    else:
                        result.error = error.get("message") or "GraphQL error"
                    continue
                follow = self._read_probe(target, part, node, result)
                if follow is not None:
                    follow.alias = f"r{i}"
                    following.append((target, follow))
            parts = [(t, p) for t, p in following]
            for k, (_, part) in enumerate(parts):
                part.alias = f"r{k}"
        return [results[t.full_name] for t in targets]

    def _read_probe(
        self, target: ProbeTarget, part: ProbePart, node: dict, result: RepoProbe
    ) -> ProbePart | None:
        """Record one repository's answer; returns the follow-up part if a page continues."""
        if part.meta:
            result.security_policy = node.get("isSecurityPolicyEnabled")
            result.watchers = (node.get("watchers") or {}).get("totalCount")
            releases = node.get("releases") or {}
            newest = (releases.get("nodes") or [None])[0] or {}
            result.releases = [
                releases.get("totalCount", 0),
                newest.get("tagName"),
                newest.get("updatedAt"),
            ]
        follow = ProbePart(
            alias=part.alias,
            owner=part.owner,
            name=part.name,
            meta=False,
            pulls_first=None,
            issues_first=None,
            issues_since=part.issues_since,
        )
        pulls = node.get("pullRequests")
        if pulls is not None:
            done = False
            for entry in pulls.get("nodes") or []:
                updated = parse_time(entry["updatedAt"])
                if result.pulls_newest is None:
                    result.pulls_newest = updated
                if target.pulls_since and updated < target.pulls_since:
                    done = True
                    break
                result.pulls[entry["number"]] = updated
            info = pulls.get("pageInfo") or {}
            if not done and info.get("hasNextPage"):
                follow.pulls_first, follow.pulls_after = FULL_PAGE, info.get("endCursor")
        issues = node.get("issues")
        if issues is not None:
            for entry in issues.get("nodes") or []:
                updated = parse_time(entry["updatedAt"])
                if result.issues_newest is None:
                    result.issues_newest = updated
                result.issues[entry["number"]] = updated
            info = issues.get("pageInfo") or {}
            if info.get("hasNextPage"):
                follow.issues_first, follow.issues_after = FULL_PAGE, info.get("endCursor")
        if follow.pulls_first is None and follow.issues_first is None:
            return None
        return follow

    # ---- details ----------------------------------------------------------------------------

    def details(self, refs: list[ItemRef]) -> Iterator[DetailBatch]:
        """Fetch full items, about 50 per one-point query, in the order given."""
        batch: list[ItemRef] = []
        cost = 0
        for ref in refs:
            if batch and cost + ref.cost > MAX_REQUESTS:
                yield self._details(batch)
                batch, cost = [], 0
            batch.append(ref)
            cost += ref.cost
        if batch:
            yield self._details(batch)

    def _details(self, refs: list[ItemRef]) -> DetailBatch:
        repositories = dict.fromkeys(ref.repository for ref in refs)
        aliases = {repo: f"r{k}" for k, repo in enumerate(repositories)}
        data, errors = self.http.graphql(*details_query(refs, aliases))
        if not data and errors:
            raise GitHubApiError("GitHub GraphQL error: " + errors[0].get("message", ""))
        failed = _errors_by_alias(errors)
        out = DetailBatch(refs=list(refs))
        pending: list[Overflow] = []
        items: dict[ItemRef, IssueItem] = {}
        for ref in refs:
            alias = aliases[ref.repository]
            repo_node = data.get(alias)
            if repo_node is None:
                out.unavailable[ref.repository] = _unavailable_reason(failed.get(alias))
                continue
            node = repo_node.get(ref.alias)
            if node is None:
                out.missing.append(ref)
                continue
            item, more = _parse_item(node, ref)
            items[ref] = item
            pending.extend(more)
        while pending:
            pending = self._overflow(pending, items, aliases)
        out.items = [(ref.repository, item) for ref, item in items.items()]
        return out

    def _overflow(
        self, pages: list[Overflow], items: dict[ItemRef, IssueItem], aliases: dict[str, str]
    ) -> list[Overflow]:
        more: list[Overflow] = []
        for start in range(0, len(pages), MAX_REQUESTS):
            chunk = pages[start : start + MAX_REQUESTS]
            data, errors = self.http.graphql(*overflow_query(chunk, aliases))
            if not data and errors:
                raise GitHubApiError("GitHub GraphQL error: " + errors[0].get("message", ""))
            for page in chunk:
                node = ((data.get(aliases[page.ref.repository]) or {}).get(page.ref.alias)) or {}
                connection = node.get(page.connection) or {}
                kind = "review" if page.connection == "reviews" else "comment"
                items[page.ref].activities.extend(_activities(connection, kind))
                info = connection.get("pageInfo") or {}
                if info.get("hasNextPage"):
                    more.append(Overflow(page.ref, page.connection, info["endCursor"]))
        return more


def _activities(connection: dict, kind: str) -> list[Activity]:
    out = []
    for node in connection.get("nodes") or []:
        created = node.get("submittedAt") if kind == "review" else node.get("createdAt")
        if node.get("databaseId") is None or not created:
            continue  # a pending review: invisible to others until submitted
        out.append(
            Activity(
                kind=kind,
                source_id=int(node["databaseId"]),
                author=Actor.from_graphql(node.get("author")),
                created_at=parse_time(created),
                review_state=node.get("state") if kind == "review" else None,
            )
        )
    return out


def _parse_item(node: dict, ref: ItemRef) -> tuple[IssueItem, list[Overflow]]:
    state = str(node.get("state", "OPEN")).lower()  # open | closed | merged
    item = IssueItem(
        number=int(node["number"]),
        platform_id=node.get("databaseId"),
        is_pull_request=ref.is_pull_request,
        title=node.get("title") or "",
        author=Actor.from_graphql(node.get("author")),
        state=state,
        is_draft=bool(node.get("isDraft")),
        labels=[label["name"] for label in (node.get("labels") or {}).get("nodes") or []],
        created_at=parse_time(node["createdAt"]),
        updated_at=parse_time(node.get("updatedAt")),
        closed_at=parse_time(node.get("closedAt")),
        merged_at=parse_time(node.get("mergedAt")),
        html_url=node.get("url"),
    )
    more = []
    for connection, kind in (("comments", "comment"), ("reviews", "review")):
        block = node.get(connection)
        if block is None:
            continue
        item.activities.extend(_activities(block, kind))
        info = block.get("pageInfo") or {}
        if info.get("hasNextPage"):
            more.append(Overflow(ref, connection, info["endCursor"]))
    return item, more
