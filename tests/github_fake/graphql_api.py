"""GitHub GraphQL API over the in-memory model, executed with graphql-core against GitHub's
real published schema (npm ``@octokit/graphql-schema``, file ``schema.graphql``).

Every query is parsed and validated against the real schema first (invalid -> GitHub-style
``{"errors": [...]}`` with HTTP 200), then its cost is computed the way GitHub documents it,
then it is executed with view objects over the model (graphql-core's default resolver reads
attributes and calls methods with the GraphQL argument names).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    VariableNode,
)

from .commits import commit_object
from .model import (
    COMMUNITY_FILES,
    HTML_BASE,
    LICENSES,
    GitHubModel,
    Issue,
    Label,
    Organization,
    PullRequest,
    Release,
    Repository,
    User,
    decode_node_id,
    iso,
    node_id,
    parse_iso,
)
from .rest import file_text, sha_of
from .search import MAX_SEARCH_RESULTS, SearchSyntaxError, search_issues, search_repositories

SCHEMA_ENV = "GITHUB_GRAPHQL_SCHEMA"
DEFAULT_SCHEMA_PATH = Path(__file__).resolve().parent.parent / ".github-schema" / "schema.graphql"
FETCH_HINT = (
    "mkdir -p tests/.github-schema && cd /tmp && npm pack @octokit/graphql-schema && "
    "tar xzf octokit-graphql-schema-*.tgz && cp package/schema.graphql "
    "<repo>/tests/.github-schema/"
)
MAX_NODES = 500_000
MAX_PAGE = 100


class SchemaMissing(FileNotFoundError):
    pass


def schema_path() -> Path:
    """Where the GitHub schema is read from ($GITHUB_GRAPHQL_SCHEMA overrides)."""
    env = os.environ.get(SCHEMA_ENV)
    return Path(env) if env else DEFAULT_SCHEMA_PATH


@functools.lru_cache(maxsize=4)
def _load(path: str) -> GraphQLSchema:
    text = Path(path).read_text(encoding="utf-8")
    schema = graphql.build_schema(text, assume_valid_sdl=True)
    # GitHub's schema trips graphql-core's interface deprecation checks; it is valid for GitHub.
    schema._validation_errors = []
    return schema


def load_schema(path: str | Path | None = None) -> GraphQLSchema:
    """Build (once per process and path) the GraphQL schema; SchemaMissing if absent."""
    p = Path(path) if path else schema_path()
    if not p.is_file():
        raise SchemaMissing(f"GitHub GraphQL schema not found at {p}; fetch it with: {FETCH_HINT}")
    return _load(str(p.resolve()))


# --------------------------------------------------------------------------- cost analysis


@dataclass
class CostAnalysis:
    requests: int = 0
    node_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def cost(self) -> int:
        """GitHub: requests needed for all connections / 100, rounded, at least 1."""
        return max(1, int(self.requests / 100 + 0.5))


def _arg_value(node: FieldNode, name: str, variables: dict[str, Any]) -> Any:
    for arg in node.arguments or ():
        if arg.name.value != name:
            continue
        v = arg.value
        if isinstance(v, IntValueNode):
            return int(v.value)
        if isinstance(v, VariableNode):
            return variables.get(v.name.value)
        if isinstance(v, NullValueNode):
            return None
        return getattr(v, "value", None)
    return None


def analyze(
    schema: GraphQLSchema,
    document: graphql.DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
) -> CostAnalysis:
    """Connection accounting per GitHub's documented rate-limit algorithm.

    Each connection costs the product of ``first``/``last`` of its ancestor connections
    (requests), and contributes that product times its own page size to the node count.
    Also enforces GitHub's pagination rules (first/last required, 1..100, <= 500,000 nodes).
    """
    result = CostAnalysis()
    op = graphql.get_operation_ast(document, operation_name)
    if op is None:
        return result
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    variables = dict(variables or {})
    for vd in op.variable_definitions or ():
        name = vd.variable.name.value
        if name not in variables and vd.default_value is not None:
            variables[name] = graphql.value_from_ast_untyped(vd.default_value)

    root = schema.get_root_type(op.operation)
    if root is None:
        return result

    def walk(selection_set, parent, mult: int, path: list[str], seen: frozenset[str]) -> None:
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                name = sel.name.value
                if name.startswith("__") or not hasattr(parent, "fields"):
                    continue
                fdef = parent.fields.get(name)
                if fdef is None:
                    continue
                ftype = graphql.get_named_type(fdef.type)
                child_mult = mult
                fpath = [*path, (sel.alias.value if sel.alias else name)]
                if name == "rateLimit" and parent is root and _arg_value(sel, "dryRun", variables):
                    result.dry_run = True
                if ftype.name.endswith("Connection") and "first" in fdef.args:
                    first = _arg_value(sel, "first", variables)
                    last = _arg_value(sel, "last", variables)
                    if (
                        first is None
                        and last is None
                        and not _selects_nodes(sel.selection_set, fragments)
                    ):
                        # totalCount/pageInfo only: allowed without first/last, like GitHub
                        result.requests += mult
                        continue
                    if first is None and last is None:
                        result.errors.append(
                            _err(
                                "MISSING_PAGINATION_BOUNDARIES",
                                sel,
                                fpath,
                                f"You must provide a `first` or `last` value to properly "
                                f"paginate the `{name}` connection.",
                            )
                        )
                        continue
                    if first is not None and last is not None:
                        result.errors.append(
                            _err(
                                "EXCESSIVE_PAGINATION",
                                sel,
                                fpath,
                                f"Passing both `first` and `last` to paginate the `{name}` "
                                f"connection is not supported.",
                            )
                        )
                        continue
                    n = first if first is not None else last
                    which = "first" if first is not None else "last"
                    if not isinstance(n, int) or n < 0 or n > MAX_PAGE:
                        result.errors.append(
                            _err(
                                "EXCESSIVE_PAGINATION",
                                sel,
                                fpath,
                                f"Requesting {n} records on the `{name}` connection exceeds the "
                                f"`{which}` limit of {MAX_PAGE} records.",
                            )
                        )
                        continue
                    result.requests += mult
                    result.node_count += mult * n
                    child_mult = mult * n
                if sel.selection_set is not None:
                    walk(sel.selection_set, ftype, child_mult, fpath, seen)
            elif isinstance(sel, InlineFragmentNode):
                t = schema.get_type(sel.type_condition.name.value) if sel.type_condition else parent
                walk(sel.selection_set, t, mult, path, seen)
            elif isinstance(sel, FragmentSpreadNode):
                frag = fragments.get(sel.name.value)
                if frag is None or frag.name.value in seen:
                    continue
                t = schema.get_type(frag.type_condition.name.value)
                walk(frag.selection_set, t, mult, path, seen | {frag.name.value})

    walk(op.selection_set, root, 1, ["query"] if op.operation.value == "query" else [], frozenset())
    if not result.errors and result.node_count > MAX_NODES:
        result.errors.append(
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "path": ["query"],
                "message": f"This query requests up to {result.node_count:,} possible nodes "
                f"which exceeds the maximum limit of {MAX_NODES:,}.",
            }
        )
    return result


def _selects_nodes(selection_set, fragments: dict[str, FragmentDefinitionNode]) -> bool:
    if selection_set is None:
        return False
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            if sel.name.value in ("nodes", "edges"):
                return True
        elif isinstance(sel, InlineFragmentNode):
            if _selects_nodes(sel.selection_set, fragments):
                return True
        elif isinstance(sel, FragmentSpreadNode):
            frag = fragments.get(sel.name.value)
            if frag is not None and _selects_nodes(frag.selection_set, fragments):
                return True
    return False


def _err(kind: str, node: FieldNode, path: list[str], message: str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "path": path, "message": message}
    if node.loc is not None:
        loc = node.loc.source.get_location(node.loc.start)
        out["locations"] = [{"line": loc.line, "column": loc.column}]
    return out


# --------------------------------------------------------------------------- execution context


@dataclass
class GqlContext:
    model: GitHubModel
    viewer: User | None
    is_app: bool
    rate: dict[str, Any]


def _ctx(info) -> GqlContext:
    return info.context


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _uncursor(value: str | None, arg: str) -> int | None:
    if value is None:
        return None
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        if not text.startswith("cursor:v2:"):
            raise ValueError(value)
        return int(text[len("cursor:v2:") :])
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphQLError(
            f"`{value}` does not appear to be a valid cursor.",
            extensions={"type": "INVALID_CURSOR_ARGUMENTS", "argument": arg},
        ) from exc


def connection(
    items: Sequence[Any],
    wrap: Callable[[Any], Any],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    total: int | None = None,
    cap: int | None = None,
    edge_extra: Callable[[Any], dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Relay connection over an ordered sequence with opaque base64 cursors."""
    n = len(items) if cap is None else min(len(items), cap)
    start, end = 0, n
    a = _uncursor(after, "after")
    b = _uncursor(before, "before")
    if a is not None:
        start = max(start, a + 1)
    if b is not None:
        end = min(end, b)
    end = max(start, end)
    if first is not None:
        end = min(end, start + first)
    elif last is not None:
        start = max(start, end - last)
    idx = range(start, end)
    nodes = [wrap(items[i]) for i in idx]
    edges = []
    for i, node in zip(idx, nodes, strict=True):
        edge = {"cursor": _cursor(i), "node": node}
        if edge_extra:
            edge.update(edge_extra(items[i]))
        edges.append(edge)
    page_info = {
        "hasNextPage": end < n,
        "hasPreviousPage": start > 0,
        "startCursor": _cursor(start) if nodes else None,
        "endCursor": _cursor(end - 1) if nodes else None,
    }
    out = {
        "totalCount": len(items) if total is None else total,
        "pageInfo": page_info,
        "nodes": nodes,
        "edges": edges,
    }
    if extra:
        out.update(extra)
    return out


def _page(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: kw.get(k) for k in ("first", "after", "last", "before")}


def _order(
    items: list[Any],
    order_by: dict[str, str] | None,
    keys: dict[str, Callable],
    default: Callable[[Any], Any],
) -> list[Any]:
    if not order_by:
        return sorted(items, key=default)
    key = keys.get(order_by.get("field", ""), default)
    return sorted(items, key=key, reverse=order_by.get("direction") == "DESC")


def _not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"type": "NOT_FOUND"})


def _html_path(url: str) -> str:
    return url[len(HTML_BASE) :] if url.startswith(HTML_BASE) else url


# --------------------------------------------------------------------------- views


class View:
    TYPENAME = ""

    def __init__(self, obj: Any):
        self.o = obj


class ActorMixin(View):
    o: User

    @property
    def databaseId(self) -> int:
        return self.o.id

    @property
    def login(self) -> str:
        return self.o.graphql_login

    def avatarUrl(self, info, size: int | None = None, **_: Any) -> str:
        url = f"https://avatars.githubusercontent.com/u/{self.o.id}?v=4"
        return f"{url}&s={size}" if size else url

    @property
    def url(self) -> str:
        return self.o.html_url

    @property
    def resourcePath(self) -> str:
        return _html_path(self.o.html_url)

    @property
    def createdAt(self) -> str | None:
        return iso(self.o.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.o.updated_at)


class UserView(ActorMixin):
    TYPENAME = "User"

    @property
    def id(self) -> str:
        return node_id("User", self.o.id)

    name = property(lambda self: self.o.name)
    company = property(lambda self: self.o.company)
    location = property(lambda self: self.o.location)
    bio = property(lambda self: self.o.bio)
    email = property(lambda self: self.o.email or "")
    isSiteAdmin = property(lambda self: self.o.site_admin)
    isBountyHunter = property(lambda self: False)
    isHireable = property(lambda self: False)
    isEmployee = property(lambda self: False)
    twitterUsername = property(lambda self: None)
    websiteUrl = property(lambda self: None)

    def pullRequests(self, info, **kw: Any) -> dict[str, Any]:
        m = _ctx(info).model
        items = [
            i
            for i in m.items_by_author.get(self.o.login.lower(), ())
            if isinstance(i, PullRequest) and m.get_repo(i.repo.full_name) is i.repo
        ]
        return _pull_connection(items, kw)

    def issues(self, info, **kw: Any) -> dict[str, Any]:
        m = _ctx(info).model
        items = [
            i
            for i in m.items_by_author.get(self.o.login.lower(), ())
            if not i.is_pull_request and m.get_repo(i.repo.full_name) is i.repo
        ]
        return _issue_connection(items, kw)

    def organizations(self, info, **kw: Any) -> dict[str, Any]:
        orgs = [o for o in _ctx(info).model.orgs.values() if o.is_member(self.o.login)]
        return connection(sorted(orgs, key=lambda o: o.id), OrganizationView, **_page(kw))

    def organization(self, info, login: str, **_: Any) -> OrganizationView | None:
        o = _ctx(info).model.get_org(login)
        return OrganizationView(o) if o and o.is_member(self.o.login) else None

    def repositories(self, info, **kw: Any) -> dict[str, Any]:
        repos = [r for r in _ctx(info).model.repos.values() if r.owner is self.o]
        return _repo_connection(repos, kw)


class BotView(ActorMixin):
    TYPENAME = "Bot"

    @property
    def id(self) -> str:
        return node_id("Bot", self.o.id)


def actor(u: User | None) -> View | None:
    if u is None:
        return None
    return BotView(u) if u.is_bot else UserView(u)


class OrganizationView(View):
    TYPENAME = "Organization"
    o: Organization

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    login = property(lambda self: self.o.login)
    name = property(lambda self: self.o.name)
    description = property(lambda self: self.o.description)
    email = property(lambda self: self.o.email)
    location = property(lambda self: self.o.location)
    websiteUrl = property(lambda self: self.o.blog or None)
    url = property(lambda self: self.o.html_url)
    resourcePath = property(lambda self: f"/{self.o.login}")
    createdAt = property(lambda self: iso(self.o.created_at))
    updatedAt = property(lambda self: iso(self.o.updated_at))
    isVerified = property(lambda self: False)
    archivedAt = property(lambda self: None)

    def avatarUrl(self, info, size: int | None = None, **_: Any) -> str:
        return f"https://avatars.githubusercontent.com/u/{self.o.id}?v=4"

    def viewerIsAMember(self, info) -> bool:
        v = _ctx(info).viewer
        return bool(v and self.o.is_member(v.login))

    def repositories(self, info, **kw: Any) -> dict[str, Any]:
        return _repo_connection(list(self.o.repos), kw)

    def repository(self, info, name: str, **_: Any) -> RepositoryView | None:
        r = _ctx(info).model.get_repo(self.o.login, name)
        return RepositoryView(r) if r else None

    def membersWithRole(self, info, **kw: Any) -> dict[str, Any]:
        members = sorted(self.o.members, key=lambda u: u.id)
        return connection(
            members,
            UserView,
            **_page(kw),
            edge_extra=lambda u: {"role": self.o.role_of(u).upper(), "hasTwoFactorEnabled": True},
        )


def _repo_connection(repos: list[Repository], kw: dict[str, Any]) -> dict[str, Any]:
    privacy = kw.get("privacy")
    if privacy == "PUBLIC":
        repos = [r for r in repos if not r.private]
    elif privacy == "PRIVATE":
        repos = [r for r in repos if r.private]
    if kw.get("visibility"):
        repos = [r for r in repos if r.visibility.upper() == kw["visibility"]]
    if kw.get("isFork") is not None:
        repos = [r for r in repos if r.fork == kw["isFork"]]
    if kw.get("isArchived") is not None:
        repos = [r for r in repos if r.archived == kw["isArchived"]]
    if kw.get("hasIssuesEnabled") is not None:
        repos = [r for r in repos if r.has_issues == kw["hasIssuesEnabled"]]
    repos = _order(
        repos,
        kw.get("orderBy"),
        {
            "CREATED_AT": lambda r: (r.created_at, r.id),
            "UPDATED_AT": lambda r: (r.updated_at, r.id),
            "PUSHED_AT": lambda r: (r.pushed_at or r.created_at, r.id),
            "NAME": lambda r: (r.name.lower(), r.id),
            "STARGAZERS": lambda r: (r.stars, r.id),
        },
        lambda r: (r.created_at, r.id),
    )
    return connection(
        repos, RepositoryView, **_page(kw), extra={"totalDiskUsage": sum(r.size for r in repos)}
    )


_ISSUE_KEYS: dict[str, Callable[[Issue], Any]] = {
    "CREATED_AT": lambda i: (i.created_at, i.number),
    "UPDATED_AT": lambda i: (i.updated_at, i.number),
    "COMMENTS": lambda i: (len(i.comments), i.number),
}


def _label_filter(items: list[Any], labels: list[str] | None) -> list[Any]:
    if not labels:
        return items
    wanted = {x.lower() for x in labels}
    return [i for i in items if any(lab.name.lower() in wanted for lab in i.labels)]


def _issue_connection(items: list[Issue], kw: dict[str, Any]) -> dict[str, Any]:
    fb = kw.get("filterBy") or {}
    states = kw.get("states") or fb.get("states")
    if states:
        items = [i for i in items if i.state.upper() in states]
    if fb.get("since"):
        since = parse_iso(fb["since"])
        items = [i for i in items if i.updated_at >= since]
    if fb.get("createdBy"):
        items = [i for i in items if i.author.login.lower() == fb["createdBy"].lower()]
    items = _label_filter(items, kw.get("labels") or fb.get("labels"))
    items = _order(items, kw.get("orderBy"), _ISSUE_KEYS, lambda i: (i.created_at, i.id))
    return connection(items, IssueView, **_page(kw))


def _pr_state(pr: PullRequest) -> str:
    if pr.merged_at is not None:
        return "MERGED"
    return pr.state.upper()


def _pull_connection(items: list[PullRequest], kw: dict[str, Any]) -> dict[str, Any]:
    states = kw.get("states")
    if states:
        items = [p for p in items if _pr_state(p) in states]
    if kw.get("baseRefName"):
        items = [p for p in items if p.base_ref == kw["baseRefName"]]
    if kw.get("headRefName"):
        items = [p for p in items if p.head_ref == kw["headRefName"]]
    items = _label_filter(items, kw.get("labels"))
    items = _order(items, kw.get("orderBy"), _ISSUE_KEYS, lambda p: (p.created_at, p.id))
    return connection(items, PullRequestView, **_page(kw))


def _license_info(repo: Repository) -> dict[str, Any] | None:
    if not repo.has_file("LICENSE"):
        return None
    spdx = repo.license_spdx or "NOASSERTION"
    key, name = LICENSES[spdx]
    other = spdx == "NOASSERTION"
    return {
        "id": node_id("License", 0 if other else list(LICENSES).index(spdx) + 1),
        "key": key,
        "name": name,
        "spdxId": spdx,
        "nickname": None,
        "url": None if other else f"http://choosealicense.com/licenses/{key}/",
        "body": file_text(repo, "LICENSE"),
        "description": None,
        "implementation": None,
        "conditions": [],
        "limitations": [],
        "permissions": [],
        "featured": not other,
        "hidden": other,
        "pseudoLicense": other,
    }


class BlobView(View):
    TYPENAME = "Blob"

    def __init__(self, repo: Repository, kind: str):
        super().__init__(repo)
        self.kind = kind
        self.text = file_text(repo, kind)
        self.oid = hashlib.sha1(self.text.encode()).hexdigest()
        self.abbreviatedOid = self.oid[:7]
        self.byteSize = len(self.text.encode())
        self.isBinary = False
        self.isTruncated = False
        self.id = node_id("Blob", repo.id)
        path = f"/{repo.full_name}/commit/{sha_of(repo.id, 'head')}"
        self.commitResourcePath = path
        self.commitUrl = HTML_BASE + path
        self.repository = RepositoryView(repo)


class TreeView(View):
    TYPENAME = "Tree"

    def __init__(self, repo: Repository, entries: list[dict[str, Any]], path: str):
        super().__init__(repo)
        self.entries = entries
        self.oid = sha_of(repo.id, "tree", path)
        self.abbreviatedOid = self.oid[:7]
        self.id = node_id("Tree", repo.id)
        cpath = f"/{repo.full_name}/commit/{sha_of(repo.id, 'head')}"
        self.commitResourcePath = cpath
        self.commitUrl = HTML_BASE + cpath
        self.repository = RepositoryView(repo)


class RepositoryView(View):
    TYPENAME = "Repository"
    o: Repository

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    name = property(lambda self: self.o.name)
    nameWithOwner = property(lambda self: self.o.full_name)
    description = property(lambda self: self.o.description)
    homepageUrl = property(lambda self: self.o.homepage)
    url = property(lambda self: self.o.html_url)
    resourcePath = property(lambda self: f"/{self.o.full_name}")
    isFork = property(lambda self: self.o.fork)
    isArchived = property(lambda self: self.o.archived)
    isPrivate = property(lambda self: self.o.private)
    isDisabled = property(lambda self: self.o.disabled)
    isEmpty = property(lambda self: False)
    isLocked = property(lambda self: False)
    isMirror = property(lambda self: False)
    isTemplate = property(lambda self: self.o.is_template)
    isUserConfigurationRepository = property(lambda self: False)
    hasIssuesEnabled = property(lambda self: self.o.has_issues)
    hasWikiEnabled = property(lambda self: self.o.has_wiki)
    hasDiscussionsEnabled = property(lambda self: False)
    hasProjectsEnabled = property(lambda self: True)
    visibility = property(lambda self: self.o.visibility.upper())
    stargazerCount = property(lambda self: self.o.stars)
    forkCount = property(lambda self: self.o.forks)
    diskUsage = property(lambda self: self.o.size)
    createdAt = property(lambda self: iso(self.o.created_at))
    updatedAt = property(lambda self: iso(self.o.updated_at))
    pushedAt = property(lambda self: iso(self.o.pushed_at))
    archivedAt = property(lambda self: iso(self.o.updated_at) if self.o.archived else None)
    licenseInfo = property(lambda self: _license_info(self.o))
    mirrorUrl = property(lambda self: None)
    openGraphImageUrl = property(
        lambda self: f"https://opengraph.githubassets.com/1/{self.o.full_name}"
    )
    viewerPermission = property(lambda self: "ADMIN")
    isSecurityPolicyEnabled = property(lambda self: self.o.has_file("SECURITY"))
    fundingLinks = property(lambda self: [])

    @property
    def securityPolicyUrl(self) -> str | None:
        if not self.o.has_file("SECURITY"):
            return None
        return f"{self.o.html_url}/security/policy"

    @property
    def owner(self) -> View:
        return (
            OrganizationView(self.o.owner)
            if isinstance(self.o.owner, Organization)
            else UserView(self.o.owner)
        )

    @property
    def parent(self) -> RepositoryView | None:
        return RepositoryView(self.o.parent) if self.o.parent else None

    @property
    def defaultBranchRef(self) -> dict[str, Any]:
        return {
            "id": node_id("Ref", self.o.id),
            "name": self.o.default_branch,
            "prefix": "refs/heads/",
            "target": None,
        }

    @property
    def primaryLanguage(self) -> dict[str, Any] | None:
        if not self.o.language:
            return None
        return {
            "id": node_id("Language", sum(map(ord, self.o.language))),
            "name": self.o.language,
            "color": "#3572A5",
        }

    @property
    def codeOfConduct(self) -> dict[str, Any] | None:
        if not self.o.has_file("CODE_OF_CONDUCT"):
            return None
        return {
            "id": node_id("CodeOfConduct", 1),
            "key": "contributor_covenant",
            "name": "Contributor Covenant",
            "body": file_text(self.o, "CODE_OF_CONDUCT"),
            "url": f"{self.o.html_url}/blob/{self.o.default_branch}/CODE_OF_CONDUCT.md",
            "resourcePath": f"/{self.o.full_name}/blob/{self.o.default_branch}/CODE_OF_CONDUCT.md",
        }

    @property
    def contributingGuidelines(self) -> dict[str, Any] | None:
        if not self.o.has_file("CONTRIBUTING"):
            return None
        path = f"/{self.o.full_name}/blob/{self.o.default_branch}/CONTRIBUTING.md"
        return {
            "body": file_text(self.o, "CONTRIBUTING"),
            "url": HTML_BASE + path,
            "resourcePath": path,
        }

    @property
    def issueTemplates(self) -> list[dict[str, Any]] | None:
        if not self.o.has_file("ISSUE_TEMPLATE"):
            return []
        return [
            {
                "name": "Bug report",
                "filename": "bug_report.md",
                "title": "[BUG] ",
                "about": "Create a report to help us improve",
                "body": "Describe the bug",
            }
        ]

    @property
    def latestRelease(self) -> ReleaseView | None:
        rels = [r for r in self.o.releases if not r.draft and not r.prerelease]
        if not rels:
            return None
        return ReleaseView(max(rels, key=lambda r: (r.published_at or r.created_at, r.id)))

    def object(
        self, info, expression: str | None = None, oid: str | None = None, **_: Any
    ) -> View | dict[str, Any] | None:
        if oid is not None:  # a commit read from git_dir (see commits.py)
            return commit_object(_ctx(info).model, self.o, oid, actor)
        if not expression or ":" not in expression:
            return None
        ref, path = expression.split(":", 1)
        if ref not in ("HEAD", self.o.default_branch):
            return None
        path = path.strip("/")
        present = {COMMUNITY_FILES[k]: k for k in COMMUNITY_FILES if self.o.has_file(k)}
        if path in present:
            return BlobView(self.o, present[path])
        prefix = f"{path}/" if path else ""
        children: dict[str, bool] = {}
        for p in present:
            if p.startswith(prefix):
                head, sep, _ = p[len(prefix) :].partition("/")
                children[head] = bool(sep) or children.get(head, False)
        if not children:
            return None
        entries = []
        for name, is_dir in sorted(children.items()):
            full = prefix + name
            entries.append(
                {
                    "name": name,
                    "path": full,
                    "type": "tree" if is_dir else "blob",
                    "mode": 16384 if is_dir else 33188,
                    "oid": sha_of(self.o.id, full),
                    "extension": None
                    if is_dir or "." not in name
                    else "." + name.rsplit(".", 1)[1],
                    "isGenerated": False,
                    "size": 0 if is_dir else 100,
                    "nameRaw": base64.b64encode(name.encode()).decode(),
                    "pathRaw": base64.b64encode(full.encode()).decode(),
                    "lineCount": None if is_dir else 3,
                    "language": None,
                    "submodule": None,
                    "object": None if is_dir else BlobView(self.o, present[full]),
                }
            )
        return TreeView(self.o, entries, path)

    def watchers(self, info, **kw: Any) -> dict[str, Any]:
        return connection([], UserView, **_page(kw), total=self.o.watchers)

    def stargazers(self, info, **kw: Any) -> dict[str, Any]:
        return connection([], UserView, **_page(kw), total=self.o.stars)

    def forks(self, info, **kw: Any) -> dict[str, Any]:
        m = _ctx(info).model
        forks = [r for r in m.repos.values() if r.parent is self.o]
        out = connection(forks, RepositoryView, **_page(kw), extra={"totalDiskUsage": 0})
        out["totalCount"] = max(self.o.forks, len(forks))
        return out

    def repositoryTopics(self, info, **kw: Any) -> dict[str, Any]:
        def wrap(name: str) -> dict[str, Any]:
            return {
                "id": node_id("RepositoryTopic", sum(map(ord, name))),
                "topic": {"id": node_id("Topic", sum(map(ord, name))), "name": name},
                "url": f"{HTML_BASE}/topics/{name}",
                "resourcePath": f"/topics/{name}",
            }

        return connection(list(self.o.topics), wrap, **_page(kw))

    def labels(self, info, **kw: Any) -> dict[str, Any]:
        labs = sorted(self.o.labels.values(), key=lambda lab: lab.name.lower())
        if kw.get("query"):
            labs = [lab for lab in labs if kw["query"].lower() in lab.name.lower()]
        return connection(labs, LabelView, **_page(kw))

    def issues(self, info, **kw: Any) -> dict[str, Any]:
        return _issue_connection(self.o.issues(), kw)

    def pullRequests(self, info, **kw: Any) -> dict[str, Any]:
        return _pull_connection(self.o.pulls(), kw)

    def issue(self, info, number: int, **_: Any) -> IssueView | None:
        item = self.o.items.get(number)
        if item is None or item.is_pull_request:
            raise _not_found(f"Could not resolve to an Issue with the number of {number}.")
        return IssueView(item)

    def pullRequest(self, info, number: int, **_: Any) -> PullRequestView | None:
        item = self.o.items.get(number)
        if not isinstance(item, PullRequest):
            raise _not_found(f"Could not resolve to a PullRequest with the number of {number}.")
        return PullRequestView(item)

    def issueOrPullRequest(self, info, number: int, **_: Any) -> View | None:
        item = self.o.items.get(number)
        if item is None:
            raise _not_found(
                f"Could not resolve to an issue or pull request with the number of {number}."
            )
        return wrap_item(item)

    def releases(self, info, **kw: Any) -> dict[str, Any]:
        rels = list(self.o.releases)
        rels = _order(
            rels,
            kw.get("orderBy"),
            {
                "CREATED_AT": lambda r: (r.created_at, r.id),
                "NAME": lambda r: ((r.name or "").lower(), r.id),
            },
            lambda r: (r.created_at, r.id),
        )
        if not kw.get("orderBy"):
            rels.reverse()  # newest first, like REST
        return connection(rels, ReleaseView, **_page(kw))

    def release(self, info, tagName: str, **_: Any) -> ReleaseView | None:
        for r in self.o.releases:
            if r.tag_name == tagName:
                return ReleaseView(r)
        return None

    def mentionableUsers(self, info, **kw: Any) -> dict[str, Any]:
        users = self.o.owner.members if isinstance(self.o.owner, Organization) else [self.o.owner]
        return connection(sorted(users, key=lambda u: u.id), UserView, **_page(kw))

    assignableUsers = mentionableUsers


class LabelView(View):
    TYPENAME = "Label"
    o: Label
    id = property(lambda self: self.o.node_id)
    name = property(lambda self: self.o.name)
    color = property(lambda self: self.o.color)
    description = property(lambda self: self.o.description)
    isDefault = property(lambda self: self.o.default)


def _association(info, repo: Repository, user: User | None) -> str:
    return _ctx(info).model.author_association(repo, user)


class IssueCommentView(View):
    TYPENAME = "IssueComment"

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    body = property(lambda self: self.o.body)
    bodyText = property(lambda self: self.o.body)
    createdAt = property(lambda self: iso(self.o.created_at))
    updatedAt = property(lambda self: iso(self.o.updated_at))
    publishedAt = property(lambda self: iso(self.o.created_at))
    lastEditedAt = property(
        lambda self: iso(self.o.updated_at) if self.o.updated_at > self.o.created_at else None
    )
    author = property(lambda self: actor(self.o.author))
    isMinimized = property(lambda self: False)
    includesCreatedEdit = property(lambda self: self.o.updated_at > self.o.created_at)

    @property
    def url(self) -> str:
        return f"{self.o.issue.html_url}#issuecomment-{self.o.id}"

    @property
    def resourcePath(self) -> str:
        return _html_path(self.url)

    def authorAssociation(self, info) -> str:
        return _association(info, self.o.issue.repo, self.o.author)

    @property
    def issue(self) -> View:
        return (
            IssueView(self.o.issue)
            if not self.o.issue.is_pull_request
            else PullRequestView(self.o.issue)
        )

    @property
    def pullRequest(self) -> View | None:
        return PullRequestView(self.o.issue) if self.o.issue.is_pull_request else None

    @property
    def repository(self) -> RepositoryView:
        return RepositoryView(self.o.issue.repo)


def _comments_connection(comments: list[Any], kw: dict[str, Any], view: type) -> dict[str, Any]:
    order = kw.get("orderBy")
    items = _order(
        list(comments),
        order,
        {"UPDATED_AT": lambda c: (c.updated_at, c.id)},
        lambda c: (c.created_at, c.id),
    )
    return connection(items, view, **_page(kw))


def _reactions(kw: dict[str, Any]) -> dict[str, Any]:
    return connection([], lambda x: x, **_page(kw), extra={"viewerHasReacted": False})


class IssueView(View):
    TYPENAME = "Issue"
    o: Issue

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    number = property(lambda self: self.o.number)
    title = property(lambda self: self.o.title)
    body = property(lambda self: self.o.body)
    bodyText = property(lambda self: self.o.body)
    state = property(lambda self: self.o.state.upper())
    closed = property(lambda self: self.o.state == "closed")
    createdAt = property(lambda self: iso(self.o.created_at))
    updatedAt = property(lambda self: iso(self.o.updated_at))
    closedAt = property(lambda self: iso(self.o.closed_at))
    publishedAt = property(lambda self: iso(self.o.created_at))
    lastEditedAt = property(lambda self: None)
    locked = property(lambda self: self.o.locked)
    activeLockReason = property(lambda self: None)
    milestone = property(lambda self: None)
    url = property(lambda self: self.o.html_url)
    resourcePath = property(lambda self: _html_path(self.o.html_url))
    author = property(lambda self: actor(self.o.author))
    repository = property(lambda self: RepositoryView(self.o.repo))

    def stateReason(self, info, **_: Any) -> str | None:
        return self.o.state_reason.upper() if self.o.state_reason else None

    def authorAssociation(self, info) -> str:
        return _association(info, self.o.repo, self.o.author)

    def labels(self, info, **kw: Any) -> dict[str, Any]:
        return connection(list(self.o.labels), LabelView, **_page(kw))

    def comments(self, info, **kw: Any) -> dict[str, Any]:
        return _comments_connection(self.o.comments, kw, IssueCommentView)

    def assignees(self, info, **kw: Any) -> dict[str, Any]:
        return connection([], UserView, **_page(kw))

    def participants(self, info, **kw: Any) -> dict[str, Any]:
        seen: dict[int, User] = {}
        for u in [self.o.author, *(c.author for c in self.o.comments)]:
            if not u.is_bot:
                seen.setdefault(u.id, u)
        return connection(list(seen.values()), UserView, **_page(kw))

    def reactions(self, info, **kw: Any) -> dict[str, Any]:
        return _reactions(kw)


class PullRequestView(IssueView):
    TYPENAME = "PullRequest"
    o: PullRequest

    id = property(lambda self: self.o.pull_node_id)
    databaseId = property(lambda self: self.o.pull_id)
    state = property(lambda self: _pr_state(self.o))
    isDraft = property(lambda self: self.o.draft)
    merged = property(lambda self: self.o.merged_at is not None)
    mergedAt = property(lambda self: iso(self.o.merged_at))
    mergedBy = property(lambda self: actor(self.o.merged_by) if self.o.merged_at else None)
    additions = property(lambda self: self.o.additions)
    deletions = property(lambda self: self.o.deletions)
    changedFiles = property(lambda self: self.o.changed_files)
    baseRefName = property(lambda self: self.o.base_ref)
    headRefName = property(lambda self: self.o.head_ref)
    headRefOid = property(lambda self: sha_of(self.o.repo.id, self.o.number, "head"))
    isCrossRepository = property(lambda self: False)
    baseRepository = property(lambda self: RepositoryView(self.o.repo))
    headRepository = property(lambda self: RepositoryView(self.o.repo))
    permalink = property(lambda self: self.o.html_url)
    totalCommentsCount = property(lambda self: len(self.o.comments) + len(self.o.review_comments))
    mergeCommit = property(lambda self: None)

    def stateReason(self, info, **_: Any) -> None:
        return None

    @property
    def reviewDecision(self) -> str | None:
        latest: dict[int, str] = {}
        for rv in sorted(self.o.reviews, key=lambda r: r.submitted_at):
            if rv.state in ("APPROVED", "CHANGES_REQUESTED"):
                latest[rv.author.id] = rv.state
        if "CHANGES_REQUESTED" in latest.values():
            return "CHANGES_REQUESTED"
        if "APPROVED" in latest.values():
            return "APPROVED"
        return "REVIEW_REQUIRED"

    def reviews(self, info, **kw: Any) -> dict[str, Any]:
        reviews = sorted(self.o.reviews, key=lambda r: (r.submitted_at, r.id))
        if kw.get("states"):
            reviews = [r for r in reviews if r.state in kw["states"]]
        if kw.get("author"):
            reviews = [r for r in reviews if r.author.graphql_login.lower() == kw["author"].lower()]
        return connection(reviews, ReviewView, **_page(kw))

    def commits(self, info, **kw: Any) -> dict[str, Any]:
        return connection([], lambda x: x, **_page(kw), total=self.o.commits)


class ReviewView(View):
    TYPENAME = "PullRequestReview"

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    state = property(lambda self: self.o.state)
    body = property(lambda self: self.o.body)
    bodyText = property(lambda self: self.o.body)
    author = property(lambda self: actor(self.o.author))
    submittedAt = property(
        lambda self: None if self.o.state == "PENDING" else iso(self.o.submitted_at)
    )
    createdAt = property(lambda self: iso(self.o.submitted_at))
    updatedAt = property(lambda self: iso(self.o.submitted_at))
    publishedAt = property(lambda self: iso(self.o.submitted_at))
    lastEditedAt = property(lambda self: None)
    isMinimized = property(lambda self: False)
    pullRequest = property(lambda self: PullRequestView(self.o.pull))
    repository = property(lambda self: RepositoryView(self.o.pull.repo))

    @property
    def url(self) -> str:
        return f"{self.o.pull.html_url}#pullrequestreview-{self.o.id}"

    @property
    def resourcePath(self) -> str:
        return _html_path(self.url)

    def authorAssociation(self, info) -> str:
        return _association(info, self.o.pull.repo, self.o.author)

    def comments(self, info, **kw: Any) -> dict[str, Any]:
        items = [c for c in self.o.pull.review_comments if c.review_id == self.o.id]
        return _comments_connection(items, kw, ReviewCommentView)


class ReviewCommentView(View):
    TYPENAME = "PullRequestReviewComment"

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    body = property(lambda self: self.o.body)
    bodyText = property(lambda self: self.o.body)
    path = property(lambda self: self.o.path)
    line = property(lambda self: self.o.line)
    author = property(lambda self: actor(self.o.author))
    createdAt = property(lambda self: iso(self.o.created_at))
    updatedAt = property(lambda self: iso(self.o.updated_at))
    publishedAt = property(lambda self: iso(self.o.created_at))
    lastEditedAt = property(lambda self: None)
    pullRequest = property(lambda self: PullRequestView(self.o.pull))
    repository = property(lambda self: RepositoryView(self.o.pull.repo))

    @property
    def url(self) -> str:
        return f"{self.o.pull.html_url}#discussion_r{self.o.id}"

    def authorAssociation(self, info) -> str:
        return _association(info, self.o.pull.repo, self.o.author)


class ReleaseView(View):
    TYPENAME = "Release"
    o: Release

    id = property(lambda self: self.o.node_id)
    databaseId = property(lambda self: self.o.id)
    name = property(lambda self: self.o.name)
    tagName = property(lambda self: self.o.tag_name)
    description = property(lambda self: self.o.body)
    isDraft = property(lambda self: self.o.draft)
    isPrerelease = property(lambda self: self.o.prerelease)
    createdAt = property(lambda self: iso(self.o.created_at))
    publishedAt = property(lambda self: iso(self.o.published_at))
    updatedAt = property(lambda self: iso(self.o.published_at or self.o.created_at))
    author = property(lambda self: None if self.o.author.is_bot else UserView(self.o.author))
    repository = property(lambda self: RepositoryView(self.o.repo))

    @property
    def url(self) -> str:
        return f"{self.o.repo.html_url}/releases/tag/{self.o.tag_name}"

    @property
    def resourcePath(self) -> str:
        return _html_path(self.url)

    @property
    def isLatest(self) -> bool:
        rels = [r for r in self.o.repo.releases if not r.draft and not r.prerelease]
        return (
            bool(rels) and max(rels, key=lambda r: (r.published_at or r.created_at, r.id)) is self.o
        )

    def reactions(self, info, **kw: Any) -> dict[str, Any]:
        return _reactions(kw)


def wrap_item(item: Issue) -> View:
    return PullRequestView(item) if isinstance(item, PullRequest) else IssueView(item)


class QueryRoot:
    """Root value: the ``Query`` type's fields."""

    def rateLimit(self, info, dryRun: bool = False, **_: Any) -> dict[str, Any]:
        return dict(_ctx(info).rate)

    def viewer(self, info) -> UserView:
        ctx = _ctx(info)
        if ctx.viewer is None or ctx.is_app:
            raise GraphQLError(
                "Resource not accessible by integration", extensions={"type": "FORBIDDEN"}
            )
        return UserView(ctx.viewer)

    def organization(self, info, login: str) -> OrganizationView:
        o = _ctx(info).model.get_org(login)
        if o is None:
            raise _not_found(f"Could not resolve to an Organization with the login of '{login}'.")
        return OrganizationView(o)

    def user(self, info, login: str) -> UserView:
        u = _ctx(info).model.get_user(login)
        if u is None or u.is_bot:
            raise _not_found(f"Could not resolve to a User with the login of '{login}'.")
        return UserView(u)

    def repositoryOwner(self, info, login: str) -> View | None:
        m = _ctx(info).model
        o = m.get_org(login)
        if o is not None:
            return OrganizationView(o)
        u = m.get_user(login)
        return UserView(u) if u is not None and not u.is_bot else None

    def repository(self, info, owner: str, name: str, **_: Any) -> RepositoryView:
        r = _ctx(info).model.get_repo(owner, name)
        if r is None:
            raise _not_found(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return RepositoryView(r)

    def search(self, info, query: str, type: str, **kw: Any) -> dict[str, Any]:
        m = _ctx(info).model
        counts = {
            "issueCount": 0,
            "repositoryCount": 0,
            "userCount": 0,
            "discussionCount": 0,
            "codeCount": 0,
            "wikiCount": 0,
        }
        items: list[Any] = []
        wrap: Callable[[Any], Any] = lambda x: x  # noqa: E731
        try:
            if type == "ISSUE":
                items = search_issues(m, query)
                counts["issueCount"] = len(items)
                wrap = wrap_item
            elif type == "REPOSITORY":
                items = search_repositories(m, query)
                counts["repositoryCount"] = len(items)
                wrap = RepositoryView
        except SearchSyntaxError as exc:
            raise GraphQLError(str(exc), extensions={"type": "INVALID"}) from exc
        return connection(
            items,
            wrap,
            **_page(kw),
            cap=MAX_SEARCH_RESULTS,
            extra=counts,
            edge_extra=lambda _x: {"textMatches": []},
        )

    def node(self, info, id: str) -> View | None:
        return _lookup_node(_ctx(info).model, id)

    def nodes(self, info, ids: list[str]) -> list[View | None]:
        m = _ctx(info).model
        return [_lookup_node(m, i) for i in ids]


def _lookup_node(m: GitHubModel, value: str) -> View | None:
    decoded = decode_node_id(value)
    if decoded is None:
        raise _not_found(f"Could not resolve to a node with the global id of '{value}'")
    kind, ident = decoded
    if kind in ("User", "Bot"):
        for u in m.users.values():
            if u.id == ident:
                return actor(u)
    elif kind == "Organization":
        for o in m.orgs.values():
            if o.id == ident:
                return OrganizationView(o)
    elif kind == "Repository":
        r = m.repos_by_id.get(ident)
        if r is not None:
            return RepositoryView(r)
    elif kind in ("Issue", "PullRequest"):
        for item in m.iter_items():
            if kind == "Issue" and item.id == ident and not item.is_pull_request:
                return IssueView(item)
            if kind == "PullRequest" and isinstance(item, PullRequest) and item.pull_id == ident:
                return PullRequestView(item)
    raise _not_found(f"Could not resolve to a node with the global id of '{value}'")


def _type_resolver(value: Any, info, abstract_type) -> str | None:
    if isinstance(value, View):
        return value.TYPENAME
    if isinstance(value, dict):
        return value.get("__typename")
    return None


# --------------------------------------------------------------------------- entry point


@dataclass
class GraphQLOutcome:
    body: dict[str, Any]
    valid: bool  # passed parse + validation + pagination rules
    cost: int = 0  # points charged
    node_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    rate_limited: bool = False
    internal_errors: list[str] = field(default_factory=list)


def format_error(err: GraphQLError) -> dict[str, Any]:
    out = dict(err.formatted)
    ext = out.pop("extensions", None) or {}
    if "type" in ext:
        out = {"type": ext.pop("type"), **out}
    if ext:
        out["extensions"] = ext
    return out


def run_query(
    schema: GraphQLSchema,
    payload: Any,
    *,
    model: GitHubModel,
    viewer: User | None,
    is_app: bool,
    charge: Callable[[int, bool], dict[str, Any] | None],
    viewer_id: int | None = None,
) -> GraphQLOutcome:
    """Validate, cost, charge and execute one GraphQL request body.

    ``charge(cost, dry_run)`` must return the rateLimit dict after charging, or None if the
    budget is exhausted (-> RATE_LIMITED error).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        errs = [{"message": "A query attribute must be specified and must be a string."}]
        return GraphQLOutcome({"errors": errs}, valid=False, errors=errs)
    query = payload["query"]
    variables = payload.get("variables") or {}
    op_name = payload.get("operationName")
    try:
        document = graphql.parse(query)
    except GraphQLError as exc:
        errs = [format_error(exc)]
        return GraphQLOutcome({"errors": errs}, valid=False, errors=errs)
    problems = graphql.validate(schema, document)
    if problems:
        errs = [format_error(e) for e in problems]
        return GraphQLOutcome({"errors": errs}, valid=False, errors=errs)
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if any(op.operation.value != "query" for op in ops):
        errs = [
            {
                "type": "FORBIDDEN",
                "message": "The fake GitHub server is read-only: "
                "mutations and subscriptions are not supported.",
            }
        ]
        return GraphQLOutcome({"errors": errs}, valid=True, errors=errs)
    analysis = analyze(schema, document, op_name, variables)
    if analysis.errors:
        return GraphQLOutcome(
            {"errors": analysis.errors},
            valid=False,
            errors=analysis.errors,
            node_count=analysis.node_count,
        )
    cost = analysis.cost
    rate = charge(cost, analysis.dry_run)
    if rate is None:
        who = f"user ID {viewer_id}" if viewer_id is not None else "this token"
        errs = [{"type": "RATE_LIMITED", "message": f"API rate limit exceeded for {who}."}]
        return GraphQLOutcome({"errors": errs}, valid=True, errors=errs, rate_limited=True)
    rate = dict(rate, cost=cost, nodeCount=analysis.node_count)
    ctx = GqlContext(model=model, viewer=viewer, is_app=is_app, rate=rate)
    with model.lock:
        result = graphql.execute(
            schema,
            document,
            root_value=QueryRoot(),
            context_value=ctx,
            variable_values=variables,
            operation_name=op_name,
            type_resolver=_type_resolver,
        )
    body: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    internal: list[str] = []
    for e in result.errors or ():
        errors.append(format_error(e))
        orig = e.original_error
        if orig is not None and not isinstance(orig, GraphQLError):
            internal.append(f"{type(orig).__name__}: {orig} at {e.path}")
    if errors:
        body["errors"] = errors
    body["data"] = result.data
    return GraphQLOutcome(
        body,
        valid=True,
        cost=0 if analysis.dry_run else cost,
        node_count=analysis.node_count,
        errors=errors,
        internal_errors=internal,
    )
