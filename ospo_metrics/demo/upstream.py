"""The demo's upstream contributions: pull requests Acme's people open in projects Acme does not
own (fictional projects), as the upstream search of `collect github` stores them.

Two projects are tracked in full (everyone's pull requests and the reviews on them, as for an
`upstream.repositories` entry read completely), so the share of the work Acme's people do there
is known: in ``kestrel-mesh/kestrel`` they open most pull requests, in ``helmsman-io/helmsman``
a few. The others are known from the search only (our pull requests, no comments). Activity
grows over the two years, and our people also review others' pull requests where tracked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy.orm import Session

from collectors.github.items import Activity, Actor, IssueItem, RepositoryInfo
from ospo_metrics.demo.github import THINGS, seed_for
from ospo_metrics.demo.write_github import DemoWriter, _reporters
from ospo_metrics.read import load_commits_table

if TYPE_CHECKING:
    from ospo_metrics.context import Context

VERBS = ("Fix", "Add", "Document", "Speed up", "Test", "Handle", "Support")


@dataclass(frozen=True)
class UpstreamProject:
    full_name: str
    description: str
    topics: tuple[str, ...]
    license: str
    stars: int
    ours_per_month: float  # our pull requests a month today (half of it two years ago)
    others_per_month: float  # everyone else's, for projects tracked in full (else 0)
    merge_rate: float
    merge_days: float
    start_days_ago: int
    our_people: int  # how many of our people work there


PROJECTS = (
    UpstreamProject(
        "kestrel-mesh/kestrel",
        "Service mesh data plane",
        ("service-mesh", "kubernetes"),
        "Apache-2.0",
        9100,
        6,
        3,
        0.85,
        3,
        700,
        6,
    ),
    UpstreamProject(
        "helmsman-io/helmsman",
        "Kubernetes deployment tool",
        ("kubernetes", "helm"),
        "Apache-2.0",
        5200,
        2.5,
        14,
        0.7,
        6,
        620,
        4,
    ),
    UpstreamProject(
        "pyforge/pyforge",
        "Python packaging and build backend",
        ("python", "packaging"),
        "MIT",
        3100,
        1.5,
        0,
        0.6,
        9,
        500,
        3,
    ),
    UpstreamProject(
        "tessera-db/tessera",
        "Embedded time-series database",
        ("database",),
        "BSD-3-Clause",
        1800,
        1,
        0,
        0.75,
        5,
        420,
        2,
    ),
    UpstreamProject(
        "fluentlog/fluentlog",
        "Structured logging for Go",
        ("go", "logging"),
        "MIT",
        2600,
        0.8,
        0,
        0.8,
        2,
        300,
        2,
    ),
    UpstreamProject(
        "gridkit/gridkit", "GUI layout engine", ("ui",), "MPL-2.0", 700, 0.6, 0, 0.5, 12, 160, 1
    ),
)


def _info(project: UpstreamProject, now: datetime) -> RepositoryInfo:
    return RepositoryInfo(
        full_name=project.full_name,
        platform_id=None,
        is_fork=False,
        is_archived=False,
        visibility="public",
        license_spdx=project.license,
        stars=project.stars,
        forks=project.stars // 8,
        open_issues=None,
        default_branch="main",
        topics=project.topics,
        description=project.description,
        created_at=now - timedelta(days=2000),
        pushed_at=now - timedelta(days=1),
    )


def _pull(
    rng,
    project: UpstreamProject,
    number: int,
    source: int,
    author: str,
    created: datetime,
    now: datetime,
    reviewers: list[str],
    complete: bool,
) -> IssueItem:
    title = f"{rng.choice(VERBS)} {rng.choice(THINGS)}"
    created = created.replace(microsecond=0)
    activities = []
    end = created + timedelta(days=project.merge_days * math.exp(rng.gauss(0, 0.8)))
    end = end.replace(microsecond=0)
    outcome = rng.random()
    state, merged, closed = "open", None, None
    if end < now:
        if outcome < project.merge_rate:
            state, merged, closed = "merged", end, end
        elif outcome < project.merge_rate + 0.12:
            state, closed = "closed", end
    if complete:
        others = [r for r in reviewers if r != author] or reviewers
        first = (created + timedelta(hours=4 * math.exp(rng.gauss(0, 1)))).replace(microsecond=0)
        if first < now and others:
            who = rng.choice(others)
            activities.append(Activity("review", source, Actor(who), first, "COMMENTED"))
            if merged:
                activities.append(
                    Activity(
                        "review", source + 1, Actor(who), merged - timedelta(hours=1), "APPROVED"
                    )
                )
    times = [created, *(a.created_at for a in activities), *([closed] if closed else [])]
    return IssueItem(
        number=number,
        platform_id=None,
        is_pull_request=True,
        title=title,
        author=Actor(author),
        state=state,
        is_draft=False,
        labels=[],
        created_at=created,
        updated_at=max(times),
        closed_at=closed,
        merged_at=merged,
        html_url=f"https://github.com/{project.full_name}/pull/{number}",
        activities=activities,
        complete=complete,
    )


def generate_project(
    project: UpstreamProject,
    ours: list[str],
    outsiders: list[str],
    now: datetime,
    seed: int,
    index: int,
) -> list[IssueItem]:
    """One upstream project's pull requests, numbered in the order they were opened."""
    rng = seed_for(seed, project.full_name)
    tracked = project.others_per_month > 0
    start = now - timedelta(days=project.start_days_ago)
    openings: list[tuple[datetime, str]] = []
    days = project.start_days_ago
    for month in range(days // 30):
        growth = 0.5 + 0.5 * month / max(1, days // 30)  # half the pace two years ago
        for _ in range(_poisson(rng, project.ours_per_month * growth)):
            openings.append(
                (start + timedelta(days=30 * month + rng.uniform(0, 30)), rng.choice(ours))
            )
        for _ in range(_poisson(rng, project.others_per_month)):
            openings.append(
                (start + timedelta(days=30 * month + rng.uniform(0, 30)), rng.choice(outsiders))
            )
    openings.sort()
    maintainers = outsiders[:3] + ours[:2] if tracked else []
    items = []
    for n, (created, author) in enumerate(openings, start=1):
        if created >= now:
            continue
        source = (5_000 + index) * 1_000_000 + n * 10
        items.append(_pull(rng, project, n, source, author, created, now, maintainers, tracked))
    return items


def _poisson(rng, mean: float) -> int:
    # Knuth's method: the means here are small.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def write_upstream(context: Context, today: date, seed: int = 7) -> int:
    """Our people's upstream pull requests (and, where tracked, everyone's)."""
    commits = load_commits_table(context.engine, context.rules)
    human = commits[~commits["is_bot"].astype(bool) & ~commits["is_merge"].astype(bool)]
    recent = human[human["authored_at"] >= human["authored_at"].max() - pd.Timedelta(days=400)]
    employees = recent[recent["is_employee"].astype(bool)]
    now = datetime.combine(today, time(0), UTC)
    written = 0
    with Session(context.engine) as session, session.begin():
        writer = DemoWriter(session, context.bots)
        logins = writer.logins(employees) if len(employees) else {}
        ranked = employees.groupby("author_id").size().sort_values(ascending=False).index
        ours = [logins[int(p)] for p in ranked]
        if not ours:
            return 0
        outsiders = _reporters(60)
        for index, project in enumerate(PROJECTS):
            rng = seed_for(seed, f"{project.full_name}/people")
            team = rng.sample(ours[:20], min(project.our_people, len(ours[:20])))
            items = generate_project(project, team, outsiders, now, seed, index)
            repo_id = writer.repository(_info(project, now), None, relationship="upstream")
            written += 1 + writer.items(repo_id, items)
    return written
