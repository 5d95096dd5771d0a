"""Deterministic, realistic generated organizations for the fake GitHub server."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .model import (
    DEFAULT_NOW,
    Comment,
    GitHubModel,
    Issue,
    Organization,
    PullRequest,
    Release,
    Repository,
    Review,
    ReviewComment,
    User,
)

FIRST = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "niaj",
    "olivia",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "walter",
    "yara",
    "zoe",
    "amir",
    "bea",
    "chen",
    "dana",
    "eli",
    "fatima",
    "goran",
    "hana",
    "igor",
    "jin",
    "kofi",
    "lena",
    "mateo",
    "nora",
    "oren",
    "priya",
    "quinn",
    "rosa",
    "sven",
]
LAST = [
    "smith",
    "nguyen",
    "garcia",
    "kim",
    "mueller",
    "rossi",
    "tanaka",
    "silva",
    "novak",
    "okafor",
    "larsen",
    "dubois",
    "kowalski",
    "haddad",
    "ivanova",
    "costa",
    "berg",
    "sato",
    "moreau",
    "fischer",
    "ali",
    "lopez",
    "schmidt",
    "wang",
    "patel",
    "jensen",
    "horvat",
    "romero",
    "yilmaz",
    "weber",
]
ADJ = [
    "fast",
    "tiny",
    "cloud",
    "open",
    "smart",
    "secure",
    "simple",
    "quantum",
    "green",
    "rapid",
    "deep",
    "bright",
    "shared",
    "blue",
    "native",
    "lean",
    "solid",
    "happy",
    "prime",
    "micro",
]
NOUN = [
    "api",
    "cli",
    "sdk",
    "operator",
    "dashboard",
    "gateway",
    "parser",
    "scheduler",
    "cache",
    "router",
    "proxy",
    "agent",
    "indexer",
    "docs",
    "website",
    "toolkit",
    "exporter",
    "broker",
    "runner",
    "config",
    "auth",
    "metrics",
    "search",
    "store",
    "ui",
    "helm-charts",
]
TOPICS = [
    "python",
    "kubernetes",
    "go",
    "rust",
    "observability",
    "security",
    "cli",
    "devops",
    "machine-learning",
    "data",
    "hacktoberfest",
    "open-source",
    "cloud-native",
    "api",
    "frontend",
    "react",
    "terraform",
    "monitoring",
]
LANGUAGES = [
    "Python",
    "Go",
    "TypeScript",
    "Rust",
    "Java",
    "JavaScript",
    "C++",
    "Shell",
    "Ruby",
    "Kotlin",
]
LICENSE_WEIGHTS = [
    ("Apache-2.0", 40),
    ("MIT", 35),
    ("BSD-3-Clause", 8),
    ("GPL-3.0", 4),
    ("MPL-2.0", 4),
    ("BSD-2-Clause", 3),
    ("LGPL-2.1", 2),
    ("AGPL-3.0", 1),
    ("ISC", 2),
    ("NOASSERTION", 5),
]
ISSUE_TITLES = [
    "Crash when {x} is empty",
    "Support {x} in config",
    "Docs: explain {x}",
    "Flaky test in {x}",
    "Improve {x} performance",
    "Add {x} option",
    "Error message for {x} is unclear",
    "Upgrade {x}",
    "Memory leak in {x}",
    "Question about {x}",
]
PR_TITLES = [
    "Fix {x} handling",
    "Add {x} support",
    "Refactor {x}",
    "docs: document {x}",
    "test: cover {x}",
    "perf: speed up {x}",
    "chore: clean up {x}",
    "feat: {x} flag",
]
THINGS = [
    "timeouts",
    "pagination",
    "retries",
    "logging",
    "the parser",
    "TLS",
    "caching",
    "unicode",
    "the CLI",
    "auth tokens",
    "proxies",
    "YAML",
    "metrics",
    "webhooks",
]
DEPS = [
    "requests",
    "urllib3",
    "golang.org/x/net",
    "lodash",
    "serde",
    "actions/checkout",
    "pyyaml",
    "express",
    "tokio",
    "jackson-databind",
]
COMMENTS = [
    "Thanks for the report!",
    "I can reproduce this.",
    "LGTM",
    "Could you add a test?",
    "Fixed in the latest release.",
    "Any update on this?",
    "+1",
    "Working on it.",
    "Closing as duplicate.",
    "Nice catch!",
]

#: Upstream projects (in other organizations) members contribute to: (org, repo, language).
UPSTREAM = [
    ("kubernetes", "kubernetes", "Go"),
    ("python", "cpython", "Python"),
    ("nodejs", "node", "JavaScript"),
    ("rust-lang", "rust", "Rust"),
    ("apache", "kafka", "Java"),
    ("pallets", "flask", "Python"),
    ("django", "django", "Python"),
    ("grafana", "grafana", "TypeScript"),
]

#: (login, real GitHub id) of the bots that show up in generated data.
BOTS = [
    ("dependabot[bot]", 49699333),
    ("renovate[bot]", 29139614),
    ("github-actions[bot]", 41898282),
]

_T = timedelta


def _rand_between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    if hi <= lo:
        return lo
    span = int((hi - lo).total_seconds())
    return lo + _T(seconds=rng.randint(0, span))


def _count(rng: random.Random, spec: int | tuple[int, int]) -> int:
    """An int is exact; (lo, hi) draws a value skewed towards lo (most repos are quiet)."""
    if isinstance(spec, int):
        return spec
    lo, hi = spec
    return lo + int((hi - lo) * rng.random() ** 2)


class _Gen:
    def __init__(self, model: GitHubModel, rng: random.Random, now: datetime):
        self.m = model
        self.rng = rng
        self.now = now

    def user(self, login: str, *, company: str | None = None) -> User:
        first, _, last = login.partition("-")
        u = User(
            login=login,
            id=self.m.next_id("user"),
            type="User",
            name=f"{first.title()} {last.title()}".strip(),
            email=f"{login}@example.com" if self.rng.random() < 0.5 else None,
            company=company,
            created_at=self.now - _T(days=self.rng.randint(400, 4000)),
        )
        u.updated_at = _rand_between(self.rng, u.created_at, self.now)
        self.m.users[login.lower()] = u
        return u

    def people(self, n: int, prefix: str = "", company: str | None = None) -> list[User]:
        out = []
        i = 0
        while len(out) < n:
            base = f"{self.rng.choice(FIRST)}-{self.rng.choice(LAST)}"
            login = f"{prefix}{base}" if i < 2000 else f"{prefix}{base}{i}"
            i += 1
            if login.lower() in self.m.users:
                login = f"{login}{i}"
                if login.lower() in self.m.users:
                    continue
            out.append(self.user(login, company=company))
        return out

    # ---- issues & pull requests
    def comments(self, item: Issue, people: list[User], n: int, end: datetime) -> None:
        times = sorted(_rand_between(self.rng, item.created_at, end) for _ in range(n))
        for t in times:
            upd = t if self.rng.random() < 0.9 else _rand_between(self.rng, t, end)
            item.comments.append(
                Comment(
                    id=self.m.next_id("comment"),
                    author=self.rng.choice(people),
                    body=self.rng.choice(COMMENTS),
                    created_at=t,
                    updated_at=upd,
                    issue=item,
                )
            )

    def issue(
        self,
        repo: Repository,
        number: int,
        created: datetime,
        author: User,
        people: list[User],
        comment_range: tuple[int, int],
    ) -> Issue:
        rng = self.rng
        title = rng.choice(ISSUE_TITLES).format(x=rng.choice(THINGS))
        it = Issue(
            repo=repo,
            number=number,
            id=self.m.next_id("issue"),
            title=title,
            author=author,
            created_at=created,
            updated_at=created,
            body=f"Steps to reproduce: {title.lower()}.",
        )
        if rng.random() < 0.6:
            it.labels.append(
                self.m.label(repo, rng.choice(["bug", "enhancement", "question", "documentation"]))
            )
            if rng.random() < 0.15:
                it.labels.append(self.m.label(repo, "good first issue"))
        end = self.now
        if created < self.now - _T(days=2) and rng.random() < 0.6:
            closed = min(self.now, created + _T(seconds=rng.randint(600, 90 * 86400)))
            it.state, it.closed_at = "closed", closed
            it.state_reason = "completed" if rng.random() < 0.8 else "not_planned"
            it.closed_by = rng.choice(people)
            end = closed
        self.comments(it, people, _count(rng, comment_range), end)
        it.updated_at = it.newest_activity()
        return it

    def pull(
        self,
        repo: Repository,
        number: int,
        created: datetime,
        author: User,
        people: list[User],
        reviewers: list[User],
        comment_range: tuple[int, int],
    ) -> PullRequest:
        rng = self.rng
        if author.is_bot:
            dep = rng.choice(DEPS)
            title = f"Bump {dep} from 1.{rng.randint(0, 9)}.0 to 1.{rng.randint(10, 20)}.0"
            head = f"dependabot/{dep.replace('/', '-')}"
        else:
            title = rng.choice(PR_TITLES).format(x=rng.choice(THINGS))
            head = f"{author.login.split('-')[0]}/{title.split()[0].lower().strip(':')}-{number}"
        pr = PullRequest(
            repo=repo,
            number=number,
            id=self.m.next_id("issue"),
            pull_id=self.m.next_id("pull"),
            title=title,
            author=author,
            created_at=created,
            updated_at=created,
            body=f"This PR: {title}.",
            head_ref=head,
            base_ref=repo.default_branch,
            commits=rng.randint(1, 6),
            additions=rng.randint(1, 800),
            deletions=rng.randint(0, 300),
            changed_files=rng.randint(1, 25),
        )
        if author.is_bot:
            pr.labels.append(self.m.label(repo, "dependencies"))
        elif rng.random() < 0.3:
            pr.labels.append(
                self.m.label(repo, rng.choice(["bug", "enhancement", "documentation"]))
            )
        roll = rng.random()
        end = self.now
        old_enough = created < self.now - _T(days=1)
        if old_enough and roll < 0.62:
            t = min(self.now, created + _T(seconds=rng.randint(900, 30 * 86400)))
            pr.state, pr.closed_at, pr.merged_at = "closed", t, t
            pr.merged_by = rng.choice(reviewers) if reviewers else author
            pr.closed_by = pr.merged_by
            end = t
        elif old_enough and roll < 0.77:
            t = min(self.now, created + _T(seconds=rng.randint(900, 60 * 86400)))
            pr.state, pr.closed_at, pr.closed_by = "closed", t, author
            end = t
        else:
            pr.draft = rng.random() < 0.3
        self.comments(pr, people, _count(rng, comment_range), end)
        candidates = [r for r in reviewers if r is not author]
        if candidates:
            n_rev = rng.choice((0, 1, 1, 2, 3))
            if pr.merged_at is not None:
                n_rev = max(n_rev, 1)
            times = sorted(_rand_between(rng, created, end) for _ in range(n_rev))
            for k, t in enumerate(times):
                if pr.merged_at is not None and k == len(times) - 1:
                    state = "APPROVED"
                else:
                    state = rng.choices(
                        ("APPROVED", "COMMENTED", "CHANGES_REQUESTED"), (45, 35, 20)
                    )[0]
                rv = Review(
                    id=self.m.next_id("review"),
                    author=rng.choice(candidates),
                    state=state,
                    submitted_at=t,
                    pull=pr,
                    body="" if state == "APPROVED" else rng.choice(COMMENTS),
                )
                pr.reviews.append(rv)
                if state != "APPROVED" and rng.random() < 0.7:
                    for _ in range(rng.randint(1, 3)):
                        pr.review_comments.append(
                            ReviewComment(
                                id=self.m.next_id("review_comment"),
                                author=rv.author,
                                body=rng.choice(COMMENTS),
                                created_at=t,
                                updated_at=t,
                                review_id=rv.id,
                                path=f"src/{rng.choice(NOUN)}.py",
                                line=rng.randint(1, 400),
                                pull=pr,
                            )
                        )
        pr.updated_at = pr.newest_activity()
        return pr

    def fill_repo(
        self,
        repo: Repository,
        n_items: int,
        members: list[User],
        outsiders: list[User],
        bots: list[User],
        maintainers: list[User],
        comment_range: tuple[int, int],
        pr_ratio: float = 0.55,
    ) -> None:
        rng = self.rng
        people = members + outsiders
        start = repo.created_at
        end = repo.pushed_at if repo.archived and repo.pushed_at else self.now
        times = sorted(_rand_between(rng, start, end) for _ in range(n_items))
        commenters = maintainers * 3 + people[:50] + [b for b in bots if "actions" in b.login]
        for number, created in enumerate(times, start=1):
            if rng.random() < pr_ratio:
                roll = rng.random()
                if bots and roll < 0.15:
                    author = rng.choice(bots[:2])
                elif roll < 0.75 or not outsiders:
                    author = rng.choice(maintainers if rng.random() < 0.6 else members)
                else:
                    author = rng.choice(outsiders)
                item: Issue = self.pull(
                    repo, number, created, author, commenters, maintainers, comment_range
                )
            else:
                author = rng.choice(outsiders if outsiders and rng.random() < 0.5 else members)
                item = self.issue(repo, number, created, author, commenters, comment_range)
            self.m._register_item(item)
        for mt in maintainers:
            repo.extra_contributions[mt.login] = rng.randint(1, 250)

    def releases(self, repo: Repository, n: int, authors: list[User]) -> None:
        rng = self.rng
        end = repo.pushed_at or self.now
        times = sorted(_rand_between(self.rng, repo.created_at, end) for _ in range(n))
        major, minor, patch = 0, 1, 0
        for k, t in enumerate(times):
            if rng.random() < 0.3:
                minor, patch = minor + 1, 0
            elif rng.random() < 0.05:
                major, minor, patch = major + 1, 0, 0
            else:
                patch += 1
            tag = f"v{major}.{minor}.{patch}"
            pre = rng.random() < 0.1
            if pre:
                tag += f"-rc.{rng.randint(1, 3)}"
            draft = k == len(times) - 1 and rng.random() < 0.1
            repo.releases.append(
                Release(
                    id=self.m.next_id("release"),
                    tag_name=tag,
                    name=f"Release {tag}",
                    author=rng.choice(authors),
                    created_at=t,
                    published_at=None if draft else t + _T(minutes=rng.randint(1, 30)),
                    draft=draft,
                    prerelease=pre,
                    body=f"Changes in {tag}.",
                    target_commitish=repo.default_branch,
                    repo=repo,
                )
            )


def generate_org(
    login: str = "acme",
    n_repos: int = 12,
    seed: int = 1,
    *,
    issues_per_repo: int | tuple[int, int] = (2, 40),
    comments_per_item: int | tuple[int, int] = (0, 6),
    releases_per_repo: int | tuple[int, int] = (0, 12),
    n_members: int | None = None,
    n_outside: int | None = None,
    upstream: bool = True,
    upstream_prs_per_member: float = 1.5,
    now: datetime = DEFAULT_NOW,
    model: GitHubModel | None = None,
) -> GitHubModel:
    """Build a deterministic organization ``login`` with ``n_repos`` repositories.

    Contents: members (first one is an admin and the default token's viewer), outside
    contributors, bots (``dependabot[bot]``, ``renovate[bot]``, ``github-actions[bot]`` of type
    Bot), issues and pull requests with comments, reviews and review comments, labels, releases,
    ~20 % repositories without a LICENSE (5 % with an unrecognised one), archived repositories,
    forks of upstream projects, private/internal repositories, and upstream repositories in other
    organizations (``kubernetes/kubernetes``, ``python/cpython`` ...) holding pull requests and
    issues authored by members. All timestamps are <= ``now`` (a fixed date by default). Same
    arguments -> identical model (ids, numbers, timestamps). 500 repositories take ~1-2 s.
    """
    rng = random.Random(seed)
    m = model or GitHubModel(primary_org=login)
    if m.primary_org is None:
        m.primary_org = login
    g = _Gen(m, rng, now)
    if n_members is None:
        n_members = min(400, 6 + n_repos // 2)
    if n_outside is None:
        n_outside = min(800, 4 + n_members * 2)

    bots = []
    for bot_login, bot_id in BOTS:
        b = m.get_user(bot_login) or User(
            login=bot_login,
            id=bot_id,
            type="Bot",
            created_at=datetime(2019, 1, 1, tzinfo=now.tzinfo),
        )
        m.users[bot_login.lower()] = b
        bots.append(b)

    org = Organization(
        login=login,
        id=m.next_id("org"),
        name=f"{login.title()} Inc.",
        description=f"Open source at {login.title()}",
        email=f"opensource@{login}.example",
        blog=f"https://{login}.example",
        created_at=now - _T(days=9 * 365),
    )
    org.updated_at = now - _T(days=3)
    m.orgs[login.lower()] = org
    members = g.people(n_members, company=f"@{login}")
    org.members = list(members)
    org.admins = {members[0].login.lower()}
    for extra in members[1 :: max(1, len(members) // 3)]:
        org.admins.add(extra.login.lower())
    outsiders = g.people(n_outside)

    # upstream organizations and repositories (created first: forks point at them)
    upstream_repos: list[Repository] = []
    if upstream:
        for org_login, repo_name, lang in UPSTREAM:
            uorg = m.get_org(org_login)
            if uorg is None:
                uorg = Organization(
                    login=org_login,
                    id=m.next_id("org"),
                    name=org_login.title(),
                    created_at=now - _T(days=4000),
                )
                m.orgs[org_login.lower()] = uorg
                uorg.members = g.people(4, prefix=f"{org_login[:3]}-")
            if m.get_repo(org_login, repo_name) is not None:
                upstream_repos.append(m.get_repo(org_login, repo_name))  # type: ignore[arg-type]
                continue
            r = Repository(
                owner=uorg,
                name=repo_name,
                id=m.next_id("repo"),
                license_spdx="Apache-2.0" if lang != "Python" else "NOASSERTION",
                stars=rng.randint(20_000, 110_000),
                forks=rng.randint(5_000, 40_000),
                watchers=rng.randint(500, 3_000),
                language=lang,
                topics=[lang.lower(), "open-source"],
                description=f"The {repo_name} project",
                created_at=now - _T(days=rng.randint(3000, 5000)),
                pushed_at=now - _T(hours=rng.randint(1, 48)),
                files={
                    "README",
                    "LICENSE",
                    "CONTRIBUTING",
                    "CODE_OF_CONDUCT",
                    "SECURITY",
                    "ISSUE_TEMPLATE",
                    "PULL_REQUEST_TEMPLATE",
                },
            )
            r.updated_at = r.pushed_at  # type: ignore[assignment]
            m._register_repo(r)
            upstream_repos.append(r)

    # the organization's repositories
    names: set[str] = set()
    lic_names = [x for x, _ in LICENSE_WEIGHTS]
    lic_weights = [w for _, w in LICENSE_WEIGHTS]
    for k in range(n_repos):
        fork_of = None
        if upstream_repos and k > 0 and rng.random() < 0.06:
            fork_of = rng.choice(upstream_repos)
            name = fork_of.name
        else:
            name = f"{rng.choice(ADJ)}-{rng.choice(NOUN)}"
        if name in names:
            name = f"{name}-{k}"
        names.add(name)
        created = now - _T(days=rng.randint(30, 8 * 365), seconds=rng.randint(0, 86399))
        archived = rng.random() < 0.1
        if archived:
            pushed = _rand_between(rng, created, now - _T(days=20))
        else:
            pushed = max(created, now - _T(seconds=rng.randint(0, 200 * 86400)))
        vis_roll = rng.random()
        visibility = "public" if vis_roll < 0.8 else ("private" if vis_roll < 0.95 else "internal")
        lic = rng.choices(lic_names, lic_weights)[0] if rng.random() < 0.8 else None
        stars = min(25_000, int(rng.paretovariate(1.1) * 4) - 4)
        files = {
            f
            for f, p in (
                ("README", 0.95),
                ("CONTRIBUTING", 0.5),
                ("CODE_OF_CONDUCT", 0.4),
                ("SECURITY", 0.3),
                ("ISSUE_TEMPLATE", 0.35),
                ("PULL_REQUEST_TEMPLATE", 0.3),
            )
            if rng.random() < p
        }
        if lic:
            files.add("LICENSE")
        repo = Repository(
            owner=org,
            name=name,
            id=m.next_id("repo"),
            visibility=visibility,
            fork=fork_of is not None,
            parent=fork_of,
            archived=archived,
            default_branch="main" if rng.random() < 0.85 else "master",
            license_spdx=lic,
            stars=stars,
            forks=stars // rng.randint(4, 12),
            watchers=1 + stars // 15,
            topics=sorted(rng.sample(TOPICS, rng.randint(0, 4))),
            description=None
            if rng.random() < 0.1
            else f"A {name.replace('-', ' ')} for {login.title()} services",
            homepage=f"https://{name}.{login}.example" if rng.random() < 0.2 else None,
            language=(fork_of.language if fork_of else rng.choice(LANGUAGES)),
            size=rng.randint(10, 90_000),
            created_at=created,
            pushed_at=pushed,
            files=files,
        )
        repo.updated_at = max(pushed, created + _T(seconds=rng.randint(0, 3600)))
        if repo.updated_at > now:
            repo.updated_at = now
        m._register_repo(repo)
        maintainers = rng.sample(members, min(len(members), rng.randint(1, 4)))
        n_items = 0 if fork_of is not None else _count(rng, issues_per_repo)
        g.fill_repo(
            repo,
            n_items,
            members,
            outsiders,
            bots,
            maintainers,
            comments_per_item
            if isinstance(comments_per_item, tuple)
            else (comments_per_item, comments_per_item),
        )
        if fork_of is None:
            g.releases(repo, _count(rng, releases_per_repo), [*maintainers, bots[2]])

    # members' contributions to upstream projects (and upstream's own traffic)
    for r in upstream_repos:
        uorg = r.owner
        assert isinstance(uorg, Organization)
        maintainers = uorg.members
        locals_ = outsiders[: max(4, len(outsiders) // 4)]
        base_number = max(r.items, default=rng.randint(10_000, 120_000))
        contributors = [u for u in members if rng.random() < 0.35] or members[:1]
        n_member_prs = max(
            2, int(len(contributors) * upstream_prs_per_member / max(1, len(upstream_repos)) * 2)
        )
        items: list[tuple[datetime, User, bool]] = []
        for _ in range(n_member_prs):
            items.append(
                (
                    _rand_between(rng, now - _T(days=3 * 365), now),
                    rng.choice(contributors),
                    rng.random() < 0.8,
                )
            )
        for _ in range(6):
            items.append(
                (_rand_between(rng, now - _T(days=3 * 365), now), rng.choice(locals_), True)
            )
        items.sort(key=lambda x: x[0])
        for offset, (created, author, is_pr) in enumerate(items, start=1):
            number = base_number + offset
            if is_pr:
                it: Issue = g.pull(
                    r, number, created, author, [*maintainers, author], maintainers, (0, 3)
                )
            else:
                it = g.issue(r, number, created, author, [*maintainers, author], (0, 3))
            m._register_item(it)
        for mt in maintainers:
            r.extra_contributions[mt.login] = rng.randint(500, 5000)
    m.last_modified = now
    return m
