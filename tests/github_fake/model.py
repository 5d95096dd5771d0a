"""In-memory model of GitHub organizations, repositories, issues and pull requests.

One :class:`GitHubModel` ("the world") holds every user, organization and repository the fake
server knows. REST and GraphQL views are both rendered from it, so they always agree.

All timestamps are timezone-aware UTC ``datetime`` objects with whole seconds. Tests mutate the
world through the helper methods (``add_issue``, ``add_comment``, ``merge_pull`` ...), which keep
the derived data consistent: an issue's ``updated_at`` is never older than its newest comment,
review or review comment, and ``GitHubModel.last_modified`` moves forward on every change.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

HTML_BASE = "https://github.com"

#: The fixed "now" used by :func:`generate_org` when none is given (keeps output deterministic).
DEFAULT_NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)

#: Community files a repository can contain, and the path each one is stored at.
COMMUNITY_FILES: dict[str, str] = {
    "README": "README.md",
    "LICENSE": "LICENSE",
    "CONTRIBUTING": "CONTRIBUTING.md",
    "CODE_OF_CONDUCT": "CODE_OF_CONDUCT.md",
    "SECURITY": "SECURITY.md",
    "ISSUE_TEMPLATE": ".github/ISSUE_TEMPLATE/bug_report.md",
    "PULL_REQUEST_TEMPLATE": ".github/pull_request_template.md",
}

#: SPDX id -> (GitHub license key, GitHub license name).
LICENSES: dict[str, tuple[str, str]] = {
    "MIT": ("mit", "MIT License"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    "BSD-2-Clause": ("bsd-2-clause", 'BSD 2-Clause "Simplified" License'),
    "GPL-2.0": ("gpl-2.0", "GNU General Public License v2.0"),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0"),
    "LGPL-2.1": ("lgpl-2.1", "GNU Lesser General Public License v2.1"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0"),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0"),
    "EPL-2.0": ("epl-2.0", "Eclipse Public License 2.0"),
    "ISC": ("isc", "ISC License"),
    "Unlicense": ("unlicense", "The Unlicense"),
    "CC0-1.0": ("cc0-1.0", "Creative Commons Zero v1.0 Universal"),
    # A LICENSE file GitHub could not classify.
    "NOASSERTION": ("other", "Other"),
}

DEFAULT_LABEL_COLORS: dict[str, str] = {
    "bug": "d73a4a",
    "documentation": "0075ca",
    "duplicate": "cfd3d7",
    "enhancement": "a2eeef",
    "good first issue": "7057ff",
    "help wanted": "008672",
    "invalid": "e4e669",
    "question": "d876e3",
    "wontfix": "ffffff",
    "dependencies": "0366d6",
}

REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING")


def iso(dt: datetime | None) -> str | None:
    """GitHub's timestamp format: ``2024-01-31T12:00:00Z`` (or None)."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """Parse ``2024-01-31``, ``2024-01-31T12:00:00Z`` or an offset timestamp to aware UTC."""
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def node_id(kind: str, ident: int) -> str:
    """A GitHub (legacy format) global node id, e.g. ``MDQ6VXNlcjE=`` for User 1."""
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode()


def decode_node_id(value: str) -> tuple[str, int] | None:
    """Inverse of :func:`node_id`; None if the id is not one of ours."""
    try:
        text = base64.b64decode(value.encode(), validate=True).decode()
        length, rest = text.split(":", 1)
        n = int(length)
        kind, ident = rest[:n], int(rest[n:])
    except (ValueError, UnicodeDecodeError):
        return None
    return kind, ident


def _now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------- entities


@dataclass(eq=False, kw_only=True)
class User:
    """A GitHub account. ``type`` is ``"User"`` or ``"Bot"`` (bots' logins end in ``[bot]``)."""

    login: str
    id: int
    type: str = "User"
    name: str | None = None
    email: str | None = None
    company: str | None = None
    location: str | None = None
    bio: str | None = None
    site_admin: bool = False
    #: addresses GitHub attributes commits to (verified e-mails; see commits.py)
    commit_emails: list[str] = field(default_factory=list)
    created_at: datetime = DEFAULT_NOW
    updated_at: datetime = DEFAULT_NOW

    @property
    def node_id(self) -> str:
        return node_id("Bot" if self.is_bot else "User", self.id)

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot"

    @property
    def graphql_login(self) -> str:
        """GraphQL reports bots without the ``[bot]`` suffix (``dependabot``), like GitHub."""
        if self.is_bot and self.login.endswith("[bot]"):
            return self.login[: -len("[bot]")]
        return self.login

    @property
    def html_url(self) -> str:
        if self.is_bot:
            return f"{HTML_BASE}/apps/{self.graphql_login}"
        return f"{HTML_BASE}/{self.login}"


@dataclass(eq=False, kw_only=True)
class Organization:
    login: str
    id: int
    name: str | None = None
    description: str | None = None
    email: str | None = None
    blog: str = ""
    location: str | None = None
    created_at: datetime = DEFAULT_NOW
    updated_at: datetime = DEFAULT_NOW
    members: list[User] = field(default_factory=list)
    admins: set[str] = field(default_factory=set)  # logins (lower case) with role admin
    repos: list[Repository] = field(default_factory=list)
    type: ClassVar[str] = "Organization"

    @property
    def node_id(self) -> str:
        return node_id("Organization", self.id)

    @property
    def html_url(self) -> str:
        return f"{HTML_BASE}/{self.login}"

    _member_cache: tuple[int, frozenset[str]] | None = field(default=None, repr=False)

    def is_member(self, login: str) -> bool:
        cache = self._member_cache
        if cache is None or cache[0] != len(self.members):
            cache = (len(self.members), frozenset(m.login.lower() for m in self.members))
            self._member_cache = cache
        return login.lower() in cache[1]

    def role_of(self, user: User) -> str:
        return "admin" if user.login.lower() in self.admins else "member"


@dataclass(eq=False, kw_only=True)
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False

    @property
    def node_id(self) -> str:
        return node_id("Label", self.id)


@dataclass(eq=False, kw_only=True)
class Comment:
    """An issue (or pull request conversation) comment."""

    id: int
    author: User
    body: str
    created_at: datetime
    updated_at: datetime
    issue: Issue | None = None

    @property
    def node_id(self) -> str:
        return node_id("IssueComment", self.id)


@dataclass(eq=False, kw_only=True)
class Review:
    id: int
    author: User
    state: str  # APPROVED | CHANGES_REQUESTED | COMMENTED | DISMISSED
    submitted_at: datetime
    body: str = ""
    pull: PullRequest | None = None

    @property
    def node_id(self) -> str:
        return node_id("PullRequestReview", self.id)


@dataclass(eq=False, kw_only=True)
class ReviewComment:
    id: int
    author: User
    body: str
    created_at: datetime
    updated_at: datetime
    review_id: int | None = None
    path: str = "src/main.py"
    line: int = 1
    pull: PullRequest | None = None

    @property
    def node_id(self) -> str:
        return node_id("PullRequestReviewComment", self.id)


@dataclass(eq=False, kw_only=True)
class Issue:
    """An issue. :class:`PullRequest` extends it; both share the repository's number sequence."""

    repo: Repository
    number: int
    id: int
    title: str
    author: User
    created_at: datetime
    updated_at: datetime
    state: str = "open"  # "open" | "closed"
    state_reason: str | None = None  # "completed" | "not_planned" | "reopened" | None
    closed_at: datetime | None = None
    closed_by: User | None = None
    body: str = ""
    locked: bool = False
    labels: list[Label] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    is_pull_request: ClassVar[bool] = False

    @property
    def node_id(self) -> str:
        return node_id("Issue", self.id)

    @property
    def html_url(self) -> str:
        kind = "pull" if self.is_pull_request else "issues"
        return f"{self.repo.html_url}/{kind}/{self.number}"

    def newest_activity(self) -> datetime:
        times = [self.created_at]
        if self.closed_at:
            times.append(self.closed_at)
        times.extend(c.updated_at for c in self.comments)
        return max(times)


@dataclass(eq=False, kw_only=True)
class PullRequest(Issue):
    pull_id: int
    draft: bool = False
    merged_at: datetime | None = None
    merged_by: User | None = None
    head_ref: str = "feature"
    base_ref: str = "main"
    commits: int = 1
    additions: int = 10
    deletions: int = 2
    changed_files: int = 1
    reviews: list[Review] = field(default_factory=list)
    review_comments: list[ReviewComment] = field(default_factory=list)

    is_pull_request: ClassVar[bool] = True

    @property
    def pull_node_id(self) -> str:
        return node_id("PullRequest", self.pull_id)

    @property
    def merged(self) -> bool:
        return self.merged_at is not None

    def newest_activity(self) -> datetime:
        times = [super().newest_activity()]
        times.extend(r.submitted_at for r in self.reviews)
        times.extend(c.updated_at for c in self.review_comments)
        return max(times)


@dataclass(eq=False, kw_only=True)
class Release:
    id: int
    tag_name: str
    author: User
    created_at: datetime
    published_at: datetime | None
    name: str | None = None
    draft: bool = False
    prerelease: bool = False
    body: str = ""
    target_commitish: str = "main"
    repo: Repository | None = None

    @property
    def node_id(self) -> str:
        return node_id("Release", self.id)


@dataclass(eq=False, kw_only=True)
class Repository:
    owner: Organization | User
    name: str
    id: int
    visibility: str = "public"  # "public" | "private" | "internal"
    fork: bool = False
    parent: Repository | None = None
    archived: bool = False
    disabled: bool = False
    is_template: bool = False
    default_branch: str = "main"
    license_spdx: str | None = None  # None = no LICENSE file; "NOASSERTION" = unrecognised
    stars: int = 0
    forks: int = 0
    watchers: int = 0  # subscribers (REST ``subscribers_count``, GraphQL ``watchers``)
    topics: list[str] = field(default_factory=list)
    description: str | None = None
    homepage: str | None = None
    language: str | None = None
    size: int = 100
    has_issues: bool = True
    has_wiki: bool = True
    created_at: datetime = DEFAULT_NOW
    updated_at: datetime = DEFAULT_NOW
    pushed_at: datetime | None = DEFAULT_NOW
    files: set[str] = field(default_factory=set)  # keys of COMMUNITY_FILES
    # The dependency graph's SPDX export (GET .../dependency-graph/sbom); None: graph disabled.
    sbom: dict[str, Any] | None = None
    items: dict[int, Issue] = field(default_factory=dict)  # number -> Issue/PullRequest
    releases: list[Release] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)
    #: commit counts not tied to merged pull requests (login -> commits)
    extra_contributions: dict[str, int] = field(default_factory=dict)
    #: a git repository on disk served at {server}/{owner}/{name}.git (see git_http.py)
    git_dir: Path | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def private(self) -> bool:
        return self.visibility != "public"

    @property
    def node_id(self) -> str:
        return node_id("Repository", self.id)

    @property
    def html_url(self) -> str:
        return f"{HTML_BASE}/{self.full_name}"

    @property
    def license_key(self) -> str | None:
        return LICENSES[self.license_spdx][0] if self.license_spdx else None

    def has_file(self, kind: str) -> bool:
        if kind == "LICENSE":
            return self.license_spdx is not None or "LICENSE" in self.files
        return kind in self.files

    def issues(self) -> list[Issue]:
        """Plain issues (no pull requests), by number."""
        return [i for i in self.items.values() if not i.is_pull_request]

    def pulls(self) -> list[PullRequest]:
        return [i for i in self.items.values() if isinstance(i, PullRequest)]

    @property
    def open_issues_count(self) -> int:
        """Like GitHub: open issues *and* open pull requests."""
        return sum(1 for i in self.items.values() if i.state == "open")

    def contributors(self) -> list[tuple[str, int]]:
        """(login, contributions) sorted like GitHub: most contributions first.

        Derived from ``extra_contributions`` plus ``commits`` of every merged pull request.
        """
        counts: dict[str, int] = dict(self.extra_contributions)
        for pr in self.pulls():
            if pr.merged_at is not None:
                key = pr.author.login
                counts[key] = counts.get(key, 0) + pr.commits
        return [
            (login, n)
            for login, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
            if n > 0
        ]


# --------------------------------------------------------------------------- the world


class GitHubModel:
    """Every user, organization and repository the fake server knows.

    ``org`` is the primary organization (the one being measured); other organizations hold
    "upstream" repositories members contribute to. ``lock`` (an RLock) is held by the server
    while it renders a response; hold it yourself when mutating from another thread while
    requests are in flight (the helper methods take it for you).
    """

    def __init__(self, primary_org: str | None = None, clock: Callable[[], datetime] | None = None):
        self.lock = threading.RLock()
        self.primary_org = primary_org
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organization] = {}
        self.repos: dict[str, Repository] = {}
        self.repos_by_id: dict[int, Repository] = {}
        self.deleted_repos: dict[str, Repository] = {}
        self.items_by_author: dict[str, list[Issue]] = {}
        #: clock used by the mutation helpers when no explicit time is given (real UTC by default)
        self.clock: Callable[[], datetime] = clock or _now_utc
        self.last_modified: datetime = DEFAULT_NOW
        self._ids: dict[str, int] = {
            "user": 1_000,
            "org": 9_000_000,
            "repo": 100_000_000,
            "issue": 1_000_000_000,
            "pull": 500_000_000,
            "comment": 2_000_000_000,
            "review": 1_500_000_000,
            "review_comment": 1_200_000_000,
            "release": 80_000_000,
            "label": 3_000_000_000,
        }

    # ---- ids / lookups
    def next_id(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    @property
    def org(self) -> Organization:
        """The primary organization."""
        if self.primary_org is None:
            raise LookupError("model has no primary organization")
        return self.orgs[self.primary_org.lower()]

    def get_user(self, login: str) -> User | None:
        return self.users.get(login.lower())

    def get_org(self, login: str) -> Organization | None:
        return self.orgs.get(login.lower())

    def get_owner(self, login: str) -> Organization | User | None:
        return self.get_org(login) or self.get_user(login)

    def get_repo(self, owner: str, name: str | None = None) -> Repository | None:
        """``get_repo("acme", "api")`` or ``get_repo("acme/api")``; None when absent/deleted."""
        full = owner if name is None else f"{owner}/{name}"
        return self.repos.get(full.lower())

    def iter_items(self) -> Iterable[Issue]:
        for repo in self.repos.values():
            yield from repo.items.values()

    def touch(self, at: datetime | None = None) -> datetime:
        """Record that something changed (moves ``last_modified``, used for Last-Modified)."""
        at = at or self.clock()
        if at > self.last_modified:
            self.last_modified = at
        return at

    def _at(self, at: datetime | None) -> datetime:
        return (at or self.clock()).astimezone(UTC).replace(microsecond=0)

    # ---- creation helpers
    def add_user(self, login: str, *, type: str = "User", **kw) -> User:
        with self.lock:
            if login.lower() in self.users:
                raise ValueError(f"user {login} exists")
            user_id = kw.pop("id", None) or self.next_id("user")
            user = User(login=login, id=user_id, type=type, **kw)
            self.users[login.lower()] = user
            return user

    def add_bot(self, login: str, **kw) -> User:
        if not login.endswith("[bot]"):
            login = f"{login}[bot]"
        return self.add_user(login, type="Bot", **kw)

    def add_org(self, login: str, **kw) -> Organization:
        with self.lock:
            if login.lower() in self.orgs:
                raise ValueError(f"org {login} exists")
            org = Organization(login=login, id=kw.pop("id", None) or self.next_id("org"), **kw)
            self.orgs[login.lower()] = org
            if self.primary_org is None:
                self.primary_org = login
            return org

    def add_member(self, org: Organization | str, user: User | str, role: str = "member") -> None:
        with self.lock:
            o = self._org(org)
            u = self._user(user)
            if not o.is_member(u.login):
                o.members.append(u)
            if role == "admin":
                o.admins.add(u.login.lower())
            self.touch()

    def remove_member(self, org: Organization | str, user: User | str) -> None:
        with self.lock:
            o = self._org(org)
            u = self._user(user)
            o.members = [m for m in o.members if m is not u]
            o._member_cache = None
            o.admins.discard(u.login.lower())
            self.touch()

    def add_repo(self, owner: Organization | User | str, name: str, **kw) -> Repository:
        with self.lock:
            if isinstance(owner, str):
                found = self.get_owner(owner)
                if found is None:
                    raise LookupError(f"unknown owner {owner}")
                owner = found
            full = f"{owner.login}/{name}".lower()
            if full in self.repos:
                raise ValueError(f"repo {full} exists")
            kw.setdefault("created_at", self._at(None))
            kw.setdefault("updated_at", kw["created_at"])
            kw.setdefault("pushed_at", kw["created_at"])
            repo = Repository(
                owner=owner, name=name, id=kw.pop("id", None) or self.next_id("repo"), **kw
            )
            self._register_repo(repo)
            self.touch(repo.updated_at)
            return repo

    def _register_repo(self, repo: Repository) -> None:
        self.repos[repo.full_name.lower()] = repo
        self.repos_by_id[repo.id] = repo
        if isinstance(repo.owner, Organization):
            repo.owner.repos.append(repo)

    def delete_repo(self, repo: Repository | str) -> Repository:
        """Remove a repository: REST answers 404 and GraphQL NOT_FOUND from now on."""
        with self.lock:
            r = self._repo(repo)
            del self.repos[r.full_name.lower()]
            del self.repos_by_id[r.id]
            if isinstance(r.owner, Organization):
                r.owner.repos = [x for x in r.owner.repos if x is not r]
            for item in r.items.values():
                lst = self.items_by_author.get(item.author.login.lower())
                if lst:
                    lst[:] = [i for i in lst if i is not item]
            self.deleted_repos[r.full_name.lower()] = r
            if r.fork and r.parent is not None and r.parent.forks > 0:
                r.parent.forks -= 1  # GitHub's forks_count counts the forks that exist
            self.touch()
            return r

    def fork_repo(
        self,
        repo: Repository | str,
        owner: Organization | User | str,
        *,
        name: str | None = None,
        at: datetime | None = None,
    ) -> Repository:
        """Fork `repo` into `owner`'s account (a repository with `fork` and `parent`), as GitHub
        does: the parent's `forks_count` grows by one and its `updated_at` moves."""
        with self.lock:
            parent = self._repo(repo)
            t = self._at(at)
            fork = self.add_repo(
                owner,
                name or parent.name,
                fork=True,
                parent=parent,
                created_at=t,
                default_branch=parent.default_branch,
                license_spdx=parent.license_spdx,
            )
            parent.forks += 1
            parent.updated_at = max(parent.updated_at, t)
            return fork

    def forks_of(self, repo: Repository) -> list[Repository]:
        """The direct forks of `repo` that exist (oldest first)."""
        with self.lock:
            found = [r for r in self.repos.values() if r.fork and r.parent is repo]
            return sorted(found, key=lambda r: (r.created_at, r.id))

    def rename_repo(
        self, repo: Repository | str, name: str, owner: Organization | User | str | None = None
    ) -> Repository:
        """Rename (and with `owner`, transfer) a repository: same id, new full name."""
        with self.lock:
            r = self._repo(repo)
            new_owner = r.owner if owner is None else owner
            if isinstance(new_owner, str):
                new_owner = self.get_owner(new_owner)
            del self.repos[r.full_name.lower()]
            if isinstance(r.owner, Organization):
                r.owner.repos = [x for x in r.owner.repos if x is not r]
            r.owner, r.name = new_owner, name
            del self.repos_by_id[r.id]
            self._register_repo(r)
            r.updated_at = self._at(None)
            self.touch(r.updated_at)
            return r

    def update_repo(self, repo: Repository | str, *, at: datetime | None = None, **fields) -> None:
        """Change repository attributes (e.g. ``archived=True``, ``stars=10``) and bump
        ``updated_at``."""
        with self.lock:
            r = self._repo(repo)
            for k, v in fields.items():
                if not hasattr(r, k):
                    raise AttributeError(k)
                setattr(r, k, v)
            r.updated_at = max(r.updated_at, self._at(at))
            self.touch(r.updated_at)

    def push(
        self,
        repo: Repository | str,
        *,
        at: datetime | None = None,
        author: User | str | None = None,
        commits: int = 1,
    ) -> None:
        """Simulate a push: bumps ``pushed_at`` (and contributions of ``author``)."""
        with self.lock:
            r = self._repo(repo)
            t = self._at(at)
            r.pushed_at = t
            r.updated_at = max(r.updated_at, t)
            if author is not None:
                u = self._user(author)
                r.extra_contributions[u.login] = r.extra_contributions.get(u.login, 0) + commits
            self.touch(t)

    def label(self, repo: Repository, name: str) -> Label:
        lab = repo.labels.get(name)
        if lab is None:
            lab = Label(
                id=self.next_id("label"),
                name=name,
                color=DEFAULT_LABEL_COLORS.get(name, "ededed"),
                default=name in DEFAULT_LABEL_COLORS,
            )
            repo.labels[name] = lab
        return lab

    def _new_number(self, repo: Repository) -> int:
        return max(repo.items, default=0) + 1

    def _register_item(self, item: Issue) -> None:
        item.repo.items[item.number] = item
        self.items_by_author.setdefault(item.author.login.lower(), []).append(item)

    def add_issue(
        self,
        repo: Repository | str,
        title: str,
        author: User | str,
        *,
        at: datetime | None = None,
        body: str = "",
        labels: Iterable[str] = (),
        state: str = "open",
    ) -> Issue:
        with self.lock:
            r = self._repo(repo)
            t = self._at(at)
            issue = Issue(
                repo=r,
                number=self._new_number(r),
                id=self.next_id("issue"),
                title=title,
                author=self._user(author),
                created_at=t,
                updated_at=t,
                body=body,
                labels=[self.label(r, n) for n in labels],
            )
            self._register_item(issue)
            if state == "closed":
                self.close(issue, at=t)
            self.touch(t)
            return issue

    def add_pull(
        self,
        repo: Repository | str,
        title: str,
        author: User | str,
        *,
        at: datetime | None = None,
        body: str = "",
        labels: Iterable[str] = (),
        draft: bool = False,
        head_ref: str | None = None,
        commits: int = 1,
        additions: int = 10,
        deletions: int = 2,
        changed_files: int = 1,
    ) -> PullRequest:
        with self.lock:
            r = self._repo(repo)
            t = self._at(at)
            number = self._new_number(r)
            pr = PullRequest(
                repo=r,
                number=number,
                id=self.next_id("issue"),
                pull_id=self.next_id("pull"),
                title=title,
                author=self._user(author),
                created_at=t,
                updated_at=t,
                body=body,
                labels=[self.label(r, n) for n in labels],
                draft=draft,
                head_ref=head_ref or f"patch-{number}",
                base_ref=r.default_branch,
                commits=commits,
                additions=additions,
                deletions=deletions,
                changed_files=changed_files,
            )
            self._register_item(pr)
            self.touch(t)
            return pr

    def _bump(self, item: Issue, t: datetime) -> None:
        if t > item.updated_at:
            item.updated_at = t
        self.touch(t)

    def add_comment(
        self, item: Issue, author: User | str, body: str = "Thanks!", *, at: datetime | None = None
    ) -> Comment:
        """Add a conversation comment to an issue or pull request (bumps its ``updated_at``)."""
        with self.lock:
            t = self._at(at)
            c = Comment(
                id=self.next_id("comment"),
                author=self._user(author),
                body=body,
                created_at=t,
                updated_at=t,
                issue=item,
            )
            item.comments.append(c)
            self._bump(item, t)
            return c

    def edit_comment(
        self, comment: Comment | ReviewComment, body: str, *, at: datetime | None = None
    ) -> None:
        with self.lock:
            t = self._at(at)
            comment.body = body
            comment.updated_at = max(comment.updated_at, t)
            parent = comment.issue if isinstance(comment, Comment) else comment.pull
            if parent is not None:
                self._bump(parent, t)

    def add_review(
        self,
        pr: PullRequest,
        author: User | str,
        state: str = "APPROVED",
        body: str = "",
        *,
        at: datetime | None = None,
    ) -> Review:
        if state not in REVIEW_STATES:
            raise ValueError(state)
        with self.lock:
            t = self._at(at)
            rv = Review(
                id=self.next_id("review"),
                author=self._user(author),
                state=state,
                submitted_at=t,
                body=body,
                pull=pr,
            )
            pr.reviews.append(rv)
            self._bump(pr, t)
            return rv

    def add_review_comment(
        self,
        pr: PullRequest,
        author: User | str,
        body: str = "nit",
        *,
        at: datetime | None = None,
        review: Review | None = None,
        path: str = "src/main.py",
        line: int = 1,
    ) -> ReviewComment:
        with self.lock:
            t = self._at(at)
            if review is None:
                review = self.add_review(pr, author, "COMMENTED", at=t)
            rc = ReviewComment(
                id=self.next_id("review_comment"),
                author=self._user(author),
                body=body,
                created_at=t,
                updated_at=t,
                review_id=review.id,
                path=path,
                line=line,
                pull=pr,
            )
            pr.review_comments.append(rc)
            self._bump(pr, t)
            return rc

    def close(
        self,
        item: Issue,
        *,
        at: datetime | None = None,
        by: User | str | None = None,
        reason: str = "completed",
    ) -> None:
        """Close an issue (reason "completed"/"not_planned") or a pull request without merge."""
        with self.lock:
            t = self._at(at)
            item.state = "closed"
            item.closed_at = t
            item.closed_by = self._user(by) if by is not None else item.author
            item.state_reason = None if item.is_pull_request else reason
            self._bump(item, t)

    def reopen(self, item: Issue, *, at: datetime | None = None) -> None:
        with self.lock:
            t = self._at(at)
            item.state = "open"
            item.closed_at = None
            item.closed_by = None
            item.state_reason = None if item.is_pull_request else "reopened"
            self._bump(item, t)

    def merge_pull(
        self, pr: PullRequest, *, at: datetime | None = None, by: User | str | None = None
    ) -> None:
        with self.lock:
            t = self._at(at)
            merger = self._user(by) if by is not None else pr.author
            pr.draft = False
            pr.merged_at = t
            pr.merged_by = merger
            self.close(pr, at=t, by=merger)
            pr.repo.pushed_at = max(pr.repo.pushed_at or t, t)

    def add_release(
        self,
        repo: Repository | str,
        tag_name: str,
        author: User | str,
        *,
        name: str | None = None,
        draft: bool = False,
        prerelease: bool = False,
        at: datetime | None = None,
        body: str = "",
    ) -> Release:
        with self.lock:
            r = self._repo(repo)
            t = self._at(at)
            rel = Release(
                id=self.next_id("release"),
                tag_name=tag_name,
                author=self._user(author),
                created_at=t,
                published_at=None if draft else t,
                name=name or tag_name,
                draft=draft,
                prerelease=prerelease,
                body=body,
                target_commitish=r.default_branch,
                repo=r,
            )
            r.releases.append(rel)
            self.touch(t)
            return rel

    # ---- coercion
    def _user(self, user: User | str) -> User:
        if isinstance(user, User):
            return user
        found = self.get_user(user)
        if found is None:
            raise LookupError(f"unknown user {user}")
        return found

    def _org(self, org: Organization | str) -> Organization:
        if isinstance(org, Organization):
            return org
        found = self.get_org(org)
        if found is None:
            raise LookupError(f"unknown org {org}")
        return found

    def _repo(self, repo: Repository | str) -> Repository:
        if isinstance(repo, Repository):
            return repo
        found = self.get_repo(repo)
        if found is None:
            raise LookupError(f"unknown repo {repo}")
        return found

    # ---- derived
    def author_association(self, repo: Repository, user: User | None) -> str:
        """OWNER / MEMBER / CONTRIBUTOR / NONE, as GitHub reports on issues and comments."""
        if user is None:
            return "NONE"
        if repo.owner is user:
            return "OWNER"
        owner = repo.owner
        if isinstance(owner, Organization) and owner.is_member(user.login):
            return "MEMBER"
        if user.login in repo.extra_contributions:
            return "CONTRIBUTOR"
        for pr in self.items_by_author.get(user.login.lower(), ()):
            if pr.repo is repo and isinstance(pr, PullRequest) and pr.merged_at is not None:
                return "CONTRIBUTOR"
        return "NONE"
