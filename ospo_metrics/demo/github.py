"""GitHub-shaped demo data for the owned repositories: what `collect github` would find.

Repository metadata, organization members, issues and pull requests with their comments and
reviews, and releases are generated as the GitHub collector's own items
(:mod:`collectors.github.items`) and written by its row builders and the store, exactly as a
collection writes them; nothing here writes a table directly.

The people are the demo's git authors (each gets a GitHub login linked to their person), plus
outside users who only report issues. Each repository has its own pace and responsiveness:

* ``widgets``: busy, answered within about a day, regular releases;
* ``cloud-operator``: quick answers (a few hours), getting quicker; monthly releases;
* ``cloud-cli``: Dependabot pull requests every week beside the humans' (bots are excluded
  from the KPIs but visible in the exports); a coverage bot comments first (not a response);
* ``docs``: slow answers, often past the 48-hour target; no releases;
* ``legacy-tool``: nothing pushed for over a year, issues keep arriving and nobody answers;
* three repositories that only GitHub knows: ``cloud-sdk-rust`` (created last week),
  ``old-website`` (archived) and ``spec`` (finished, exempt from the stale rule by topic).
"""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from collectors.github.items import Activity, Actor, IssueItem, ReleaseItem, RepositoryInfo
from ospo_metrics.demo.repositories import DEMO_ORG_LOGIN

# A login of a human in the demo: lower-case name, dashes for anything else.
BOT_COMMENTERS = ("codecov[bot]", "github-actions[bot]")
DEPENDABOT = "dependabot[bot]"
ISSUE_TITLES = (
    "Crash when {thing} is empty",
    "Support {thing} in the configuration",
    "Documentation for {thing} is out of date",
    "{thing} is slow on large inputs",
    "Unexpected error message from {thing}",
    "Add an option to disable {thing}",
    "Question: how to use {thing} with proxies?",
    "Regression in {thing} since the last release",
)
THINGS = (
    "the retry logic",
    "the CLI parser",
    "TLS settings",
    "the cache",
    "pagination",
    "the installer",
    "logging",
    "the plugin loader",
    "time zones",
    "the metrics endpoint",
)
ISSUE_LABELS = ("bug", "enhancement", "documentation", "question")
REVIEW_STATES = ("COMMENTED", "APPROVED", "CHANGES_REQUESTED")


@dataclass(frozen=True)
class RepoProfile:
    """How one demo repository behaves on GitHub."""

    name: str
    description: str
    topics: tuple[str, ...]
    license: str | None
    items_per_week: float  # issues and pull requests opened by people
    pr_share: float
    response_hours: float  # median hours to a first response, two years ago
    response_trend: float  # the median today is response_hours * response_trend
    response_rate: float  # share of items that ever get an answer
    close_days: float  # median days from the answer to the close
    release_days: int | None
    bot_prs_per_week: float = 0.0
    bot_comments: bool = False
    stars: int = 0


PROFILES = (
    RepoProfile(
        "widgets",
        "Widget toolkit with a large outside community",
        ("python", "ui", "widgets"),
        "MIT",
        items_per_week=7,
        pr_share=0.55,
        response_hours=30,
        response_trend=0.7,
        response_rate=0.94,
        close_days=4,
        release_days=42,
        stars=2300,
    ),
    RepoProfile(
        "cloud-operator",
        "Kubernetes operator, built mostly by Acme engineers",
        ("kubernetes", "operator", "cloud"),
        "Apache-2.0",
        items_per_week=4,
        pr_share=0.7,
        response_hours=9,
        response_trend=0.5,
        response_rate=0.97,
        close_days=2,
        release_days=30,
        bot_comments=True,
        stars=640,
    ),
    RepoProfile(
        "cloud-cli",
        "Command-line client for Acme Cloud; dependency bots do a lot of the work",
        ("cli", "cloud", "go"),
        "Apache-2.0",
        items_per_week=4,
        pr_share=0.6,
        response_hours=14,
        response_trend=1.0,
        response_rate=0.93,
        close_days=3,
        release_days=21,
        bot_prs_per_week=2,
        bot_comments=True,
        stars=410,
    ),
    RepoProfile(
        "docs",
        "Documentation site with many drive-by contributors",
        ("documentation",),
        "CC0-1.0",
        items_per_week=3,
        pr_share=0.6,
        response_hours=40,
        response_trend=1.6,
        response_rate=0.85,
        close_days=6,
        release_days=None,
        stars=95,
    ),
    RepoProfile(
        "legacy-tool",
        "Legacy migration tool; unmaintained for over a year",
        ("migration", "python"),
        "MIT",
        items_per_week=1.5,
        pr_share=0.5,
        response_hours=60,
        response_trend=1.0,
        response_rate=0.8,
        close_days=10,
        release_days=60,
        stars=180,
    ),
)


def seed_for(seed: int, name: str) -> random.Random:
    # crc32 rather than hash(): stable across processes regardless of PYTHONHASHSEED.
    return random.Random(zlib.crc32(f"{seed}/github/{name}".encode()))


def login_for(name: str, taken: set[str]) -> str:
    """A GitHub-like login from a person's name, unique among `taken`."""
    base = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") or "user"
    base = "-".join(part for part in base.split("-") if part)[:30]
    login, n = base, 1
    while login in taken:
        n += 1
        login = f"{base}{n}"
    taken.add(login)
    return login


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _hours(rng: random.Random, median: float, sigma: float = 1.0) -> float:
    """Log-normally distributed hours: most answers come quickly, a few take very long."""
    return median * math.exp(rng.gauss(0.0, sigma))


def last_complete_week_start(today: date) -> date:
    """Monday of the last complete week before `today`."""
    return today - timedelta(days=today.weekday() + 7)


@dataclass
class RepoPeople:
    """Who works in a repository: its git authors (by login) and who answers."""

    authors: list[tuple[str, datetime]]  # (login, when) of each human commit
    maintainers: list[str]
    reporters: list[str]  # outside users who only open issues


class _Numbers:
    """Item numbers and comment ids, unique and stable for a given repository index."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.number = 0
        self.source = 0

    def next_number(self) -> int:
        self.number += 1
        return self.number

    def next_source(self) -> int:
        self.source += 1
        return (9_000 + self.index) * 1_000_000 + self.source


def _url(repo: str, number: int, is_pull: bool) -> str:
    return f"https://github.com/{repo}/{'pull' if is_pull else 'issues'}/{number}"


def generate_items(
    profile: RepoProfile,
    people: RepoPeople,
    subjects: list[str],
    now: datetime,
    seed: int,
    index: int,
) -> list[IssueItem]:
    """Issues and pull requests of one repository, oldest first, numbered like GitHub's."""
    rng = seed_for(seed, profile.name)
    numbers = _Numbers(index)
    repo = f"{DEMO_ORG_LOGIN}/{profile.name}"
    if not people.authors:
        return []
    first = min(when for _, when in people.authors)
    last = max(when for _, when in people.authors)
    weeks = max(1.0, (last - first).days / 7)
    count = round(profile.items_per_week * weeks)
    openings: list[tuple[datetime, str, bool, str]] = []  # when, author, is_pull, title
    for _ in range(count):
        login, when = rng.choice(people.authors)
        is_pull = rng.random() < profile.pr_share
        when -= timedelta(hours=rng.uniform(1, 72))
        if not is_pull and people.reporters and rng.random() < 0.5:
            login = rng.choice(people.reporters)
        title = (
            rng.choice(subjects)
            if is_pull and subjects
            else rng.choice(ISSUE_TITLES).format(thing=rng.choice(THINGS))
        )
        openings.append((when, login, is_pull, title[0].upper() + title[1:]))
    # Users keep reporting problems in a repository nobody maintains any more.
    if (now - last).days > 180 and people.reporters:
        for _ in range(max(3, (now - last).days // 30)):
            when = last + timedelta(days=rng.uniform(30, (now - last).days - 1))
            title = rng.choice(ISSUE_TITLES).format(thing=rng.choice(THINGS))
            openings.append((when, rng.choice(people.reporters), False, title))
    for week in range(int(profile.bot_prs_per_week * weeks)):
        when = first + timedelta(days=7 * week / profile.bot_prs_per_week, hours=6)
        dependency = rng.choice(("golang.org/x/net", "cobra", "viper", "grpc", "yaml.v3"))
        title = f"Bump {dependency} from 1.{week % 30}.0 to 1.{week % 30 + 1}.0"
        openings.append((when, DEPENDABOT, True, title))
    openings.sort()
    span_days = max(1.0, (now - first).days)
    items = []
    for when, login, is_pull, title in openings:
        if when >= now:
            continue
        age = (now - when).days / span_days  # 1 at the start of the history, 0 today
        trend = profile.response_trend + (1 - profile.response_trend) * age
        stale = (when - last).days > 30  # opened after the maintainers left
        items.append(
            _item(
                rng,
                profile,
                people,
                numbers,
                repo,
                when,
                login,
                is_pull,
                title,
                now,
                profile.response_hours * trend,
                0.0 if stale else profile.response_rate,
            )
        )
    return items


def _item(
    rng: random.Random,
    profile: RepoProfile,
    people: RepoPeople,
    numbers: _Numbers,
    repo: str,
    created: datetime,
    login: str,
    is_pull: bool,
    title: str,
    now: datetime,
    response_hours: float,
    response_rate: float,
) -> IssueItem:
    number = numbers.next_number()
    created = created.replace(microsecond=0)
    author = Actor(login, is_bot=login.endswith("[bot]"))
    activities: list[Activity] = []

    def add(kind: str, who: str, at: datetime, state: str | None = None) -> None:
        at = at.replace(microsecond=0)  # GitHub's timestamps have whole seconds
        if at < now:
            activities.append(
                Activity(kind, numbers.next_source(), Actor(who, who.endswith("[bot]")), at, state)
            )

    if is_pull and profile.bot_comments:
        add("comment", rng.choice(BOT_COMMENTERS), created + timedelta(minutes=4))
    if rng.random() < 0.2:  # the author adds details first: not a response
        add("comment", login, created + timedelta(minutes=rng.uniform(5, 90)))
    responders = [m for m in people.maintainers if m != login] or people.maintainers
    answered = responders and rng.random() < response_rate
    end: datetime | None = None
    state = "open"
    merged: datetime | None = None
    if answered:
        first = created + timedelta(hours=_hours(rng, response_hours))
        responder = rng.choice(responders)
        if is_pull and rng.random() < 0.5:
            add("review", responder, first, rng.choice(REVIEW_STATES))
        else:
            add("comment", responder, first)
        moment = first
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            moment += timedelta(hours=_hours(rng, 10))
            add("comment", rng.choice([login, *responders]), moment)
        end = moment + timedelta(days=_hours(rng, profile.close_days, 0.8))
        outcome = rng.random()
        if is_pull and outcome < 0.8:
            add("review", responder, end - timedelta(minutes=30), "APPROVED")
            state, merged = "merged", end
        elif outcome < (0.9 if is_pull else 0.8):
            state = "closed"
        else:
            end = None
    elif rng.random() < 0.3:  # closed by its author without an answer
        end = created + timedelta(days=_hours(rng, 20))
        state = "closed"
    if end is not None and end >= now:
        state, end, merged = "open", None, None
    if end is not None:
        end = end.replace(microsecond=0)
        merged = end if merged is not None else None
    times = [created, *(a.created_at for a in activities), *([end] if end else [])]
    return IssueItem(
        number=number,
        platform_id=None,
        is_pull_request=is_pull,
        title=title,
        author=author,
        state=state,
        is_draft=False,
        labels=["dependencies"]
        if author.is_bot
        else ([] if is_pull else [rng.choice(ISSUE_LABELS)]),
        created_at=created,
        updated_at=max(times),
        closed_at=end,
        merged_at=merged,
        html_url=_url(repo, number, is_pull),
        activities=activities,
    )


def generate_releases(
    profile: RepoProfile, first: datetime, last: datetime, seed: int
) -> list[ReleaseItem]:
    """Releases every `release_days` (give or take a week) while the repository was active."""
    if profile.release_days is None:
        return []
    rng = seed_for(seed, f"{profile.name}/releases")
    releases = []
    major, minor, patch = 0 if profile.name.startswith("cloud") else 1, 1, 0
    moment = first + timedelta(days=profile.release_days)
    while moment <= last:
        if rng.random() < 0.2:
            patch += 1
        else:
            minor, patch = minor + 1, 0
        tag = f"v{major}.{minor}.{patch}"
        if patch == 0 and rng.random() < 0.3:
            candidate = moment - timedelta(days=5)
            releases.append(
                ReleaseItem(f"{tag}-rc.1", f"{tag} release candidate", candidate, True, False)
            )
        releases.append(ReleaseItem(tag, tag, moment, False, False))
        moment += timedelta(days=profile.release_days + rng.uniform(-7, 7))
    return releases


def repository_info(
    profile: RepoProfile, created: datetime, pushed: datetime, open_items: int
) -> RepositoryInfo:
    return RepositoryInfo(
        full_name=f"{DEMO_ORG_LOGIN}/{profile.name}",
        platform_id=None,
        is_fork=False,
        is_archived=False,
        visibility="public",
        license_spdx=profile.license,
        stars=profile.stars,
        forks=profile.stars // 12,
        open_issues=open_items,
        default_branch="main",
        topics=profile.topics,
        description=profile.description,
        created_at=created,
        pushed_at=pushed,
    )


def github_only_repositories(today: date) -> list[RepositoryInfo]:
    """Repositories GitHub lists that have no git history in the demo."""
    created = _at(last_complete_week_start(today) + timedelta(days=2), 14)
    rows = (
        (
            "cloud-sdk-rust",
            "Rust SDK for Acme Cloud (new)",
            ("rust", "sdk", "cloud"),
            created,
            created,
            False,
            3,
        ),
        (
            "old-website",
            "The 2019 website, kept for reference",
            ("website",),
            _at(today - timedelta(days=2200)),
            _at(today - timedelta(days=700)),
            True,
            40,
        ),
        (
            "spec",
            "Acme Cloud API specification 1.0 (final)",
            ("specification", "feature-complete"),
            _at(today - timedelta(days=1400)),
            _at(today - timedelta(days=260)),
            False,
            120,
        ),
    )
    return [
        RepositoryInfo(
            full_name=f"{DEMO_ORG_LOGIN}/{name}",
            platform_id=None,
            is_fork=False,
            is_archived=archived,
            visibility="public",
            license_spdx="Apache-2.0",
            stars=stars,
            forks=stars // 10,
            open_issues=0,
            default_branch="main",
            topics=topics,
            description=description,
            created_at=created_at,
            pushed_at=pushed_at,
        )
        for name, description, topics, created_at, pushed_at, archived, stars in rows
    ]


def new_repository_items(today: date, maintainers: list[str]) -> list[IssueItem]:
    """The first issue and pull request of the repository created last week."""
    start = _at(last_complete_week_start(today) + timedelta(days=3), 10)
    repo = f"{DEMO_ORG_LOGIN}/cloud-sdk-rust"
    author = Actor(maintainers[0] if maintainers else "acme-maintainer")
    return [
        IssueItem(
            1,
            None,
            False,
            "Roadmap for the first release",
            author,
            "open",
            False,
            ["documentation"],
            start,
            start,
            None,
            None,
            _url(repo, 1, False),
        ),
        IssueItem(
            2,
            None,
            True,
            "Add the client skeleton",
            author,
            "open",
            True,
            [],
            start + timedelta(hours=3),
            start + timedelta(hours=3),
            None,
            None,
            _url(repo, 2, True),
        ),
    ]


def contributors_by_repo(commits: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Human, non-merge commits of each demo repository (the query layer's commits table)."""
    human = commits[~commits["is_bot"].astype(bool) & ~commits["is_merge"].astype(bool)]
    return {repo.split("/", 1)[1]: rows for repo, rows in human.groupby("repo")}
