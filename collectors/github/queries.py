"""GraphQL query text: probes (what changed, cheaply) and item details (everything, batched).

GitHub prices a query by its connections: each costs the product of its ancestors' `first`,
and the sum over 100, rounded, is the query's point cost (minimum 1). Hence the shapes here:

- a **probe** asks each repository only for flat connections (`number updatedAt` of its pull
  requests and issues, newest first, the newest release, the watcher count): one request per
  connection whatever the page size, so ~25 repositories cost one point;
- **details** fetch changed items by number (`pullRequest(number: N)`) under a repository
  alias, so an item's nested comments, reviews and labels cost one request each (3 per pull
  request, 2 per issue) and no page slot is paid for an item that did not change;
- **overflow** queries page a nested connection that had more than 100 nodes.

Review comments are not nested under reviews here (that would multiply the cost by the review
page size); the REST repository-wide listing reads them instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RATE = "rateLimit { cost remaining resetAt }"
ACTOR = "author { login __typename }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
COMMENT_NODES = f"{PAGE_INFO} nodes {{ databaseId createdAt {ACTOR} }}"
REVIEW_NODES = f"{PAGE_INFO} nodes {{ databaseId state submittedAt {ACTOR} }}"
ORDER_UPDATED = "orderBy: {field: UPDATED_AT, direction: DESC}"

ISSUE_FRAGMENT = f"""
fragment IssueFields on Issue {{
  databaseId number title state createdAt updatedAt closedAt url {ACTOR}
  labels(first: 100) {{ nodes {{ name }} }}
  comments(first: 100) {{ {COMMENT_NODES} }}
}}
"""
# GraphQL rejects a document with an unused fragment: each is sent only when used.
PULL_FRAGMENT = f"""
fragment PullFields on PullRequest {{
  databaseId number title state isDraft createdAt updatedAt closedAt mergedAt url {ACTOR}
  labels(first: 100) {{ nodes {{ name }} }}
  comments(first: 100) {{ {COMMENT_NODES} }}
  reviews(first: 100) {{ {REVIEW_NODES} }}
}}
"""

# Requests (connections) each detail costs; a query of at most 149 requests costs one point.
PULL_REQUESTS_COST = 3
ISSUE_REQUESTS_COST = 2
MAX_REQUESTS = 149


@dataclass
class ProbePart:
    """One repository's part of a probe query; connections left out are not asked for."""

    alias: str
    owner: str
    name: str
    meta: bool = True  # security policy, watchers, newest release
    pulls_first: int | None = 100  # None: do not ask for pull requests
    pulls_after: str | None = None
    issues_first: int | None = 100
    issues_after: str | None = None
    issues_since: str | None = None


class _Builder:
    def __init__(self) -> None:
        self.declarations: list[str] = []
        self.variables: dict[str, Any] = {}

    def var(self, name: str, kind: str, value: Any) -> str:
        self.declarations.append(f"${name}: {kind}")
        self.variables[name] = value
        return f"${name}"

    def query(self, name: str, body: str, fragments: str = "") -> tuple[str, dict[str, Any]]:
        head = f"query {name}({', '.join(self.declarations)})" if self.declarations else "query"
        return f"{head} {{\n  {RATE}\n{body}}}\n{fragments}", self.variables


def probe_query(parts: list[ProbePart]) -> tuple[str, dict[str, Any]]:
    b = _Builder()
    blocks = []
    for i, part in enumerate(parts):
        fields = []
        if part.meta:
            fields.append(
                "isSecurityPolicyEnabled watchers { totalCount } "
                "releases(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) "
                "{ totalCount nodes { tagName updatedAt } }"
            )
        if part.pulls_first is not None:
            after = (
                f", after: {b.var(f'pa{i}', 'String', part.pulls_after)}"
                if (part.pulls_after)
                else ""
            )
            fields.append(
                f"pullRequests(first: {part.pulls_first}{after}, {ORDER_UPDATED}) "
                f"{{ totalCount {PAGE_INFO} nodes {{ number updatedAt }} }}"
            )
        if part.issues_first is not None:
            args = [f"first: {part.issues_first}", ORDER_UPDATED]
            if part.issues_after:
                args.append(f"after: {b.var(f'ia{i}', 'String', part.issues_after)}")
            if part.issues_since:
                args.append(f"filterBy: {{since: {b.var(f's{i}', 'DateTime', part.issues_since)}}}")
            nodes = f"totalCount {PAGE_INFO} nodes {{ number updatedAt }}"
            fields.append(f"issues({', '.join(args)}) {{ {nodes} }}")
        owner = b.var(f"o{i}", "String!", part.owner)
        name = b.var(f"n{i}", "String!", part.name)
        blocks.append(
            f"  {part.alias}: repository(owner: {owner}, name: {name}) {{ {' '.join(fields)} }}\n"
        )
    return b.query("Probe", "".join(blocks))


@dataclass(frozen=True)
class ItemRef:
    repository: str  # owner/name
    number: int
    is_pull_request: bool

    @property
    def cost(self) -> int:
        return PULL_REQUESTS_COST if self.is_pull_request else ISSUE_REQUESTS_COST

    @property
    def alias(self) -> str:
        return f"{'p' if self.is_pull_request else 'i'}{self.number}"


def details_query(refs: list[ItemRef], repo_alias: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Full items by number, grouped under one alias per repository."""
    b = _Builder()
    by_repo: dict[str, list[ItemRef]] = {}
    for ref in refs:
        by_repo.setdefault(ref.repository, []).append(ref)
    blocks = []
    for i, (repository, items) in enumerate(by_repo.items()):
        owner, name = repository.split("/", 1)
        selections = " ".join(
            f"{ref.alias}: pullRequest(number: {ref.number}) {{ ...PullFields }}"
            if ref.is_pull_request
            else f"{ref.alias}: issue(number: {ref.number}) {{ ...IssueFields }}"
            for ref in items
        )
        o, n = b.var(f"o{i}", "String!", owner), b.var(f"n{i}", "String!", name)
        blocks.append(
            f"  {repo_alias[repository]}: repository(owner: {o}, name: {n}) {{ {selections} }}\n"
        )
    fragments = (ISSUE_FRAGMENT if any(not r.is_pull_request for r in refs) else "") + (
        PULL_FRAGMENT if any(r.is_pull_request for r in refs) else ""
    )
    return b.query("Items", "".join(blocks), fragments)


@dataclass(frozen=True)
class Overflow:
    """The next page of one nested connection (comments or reviews) of one item."""

    ref: ItemRef
    connection: str  # comments | reviews
    after: str


def overflow_query(pages: list[Overflow], repo_alias: dict[str, str]) -> tuple[str, dict]:
    b = _Builder()
    by_item: dict[ItemRef, list[Overflow]] = {}
    for page in pages:
        by_item.setdefault(page.ref, []).append(page)
    by_repo: dict[str, list[str]] = {}
    for k, (ref, wanted) in enumerate(by_item.items()):
        parts = []
        for page in wanted:
            after = b.var(f"a{k}{page.connection[0]}", "String", page.after)
            nodes = REVIEW_NODES if page.connection == "reviews" else COMMENT_NODES
            parts.append(f"{page.connection}(first: 100, after: {after}) {{ {nodes} }}")
        field = "pullRequest" if ref.is_pull_request else "issue"
        by_repo.setdefault(ref.repository, []).append(
            f"{ref.alias}: {field}(number: {ref.number}) {{ {' '.join(parts)} }}"
        )
    blocks = []
    for i, (repository, selections) in enumerate(by_repo.items()):
        owner, name = repository.split("/", 1)
        o, n = b.var(f"o{i}", "String!", owner), b.var(f"n{i}", "String!", name)
        blocks.append(
            f"  {repo_alias[repository]}: repository(owner: {o}, name: {n}) "
            f"{{ {' '.join(selections)} }}\n"
        )
    return b.query("Overflow", "".join(blocks))
