"""Generate the large benchmark data set straight into the project's schema.

    python benchmarks/dataset.py --commits 1000000 --database sqlite:////work/bench-data/1m.db
    python benchmarks/dataset.py --commits 1000000 \\
        --database postgresql+psycopg://postgres@127.0.0.1/bench_1m

A large OSPO's database, as the collectors would have left it (see benchmarks/README.md for
every table and distribution): at the default 1,000,000 commits, 1,000 owned and 200 upstream
repositories, 200,000 issues and pull requests, 500,000 comments and reviews, 20,000 people
with their e-mail and GitHub identities, about 1,500 dated employments, releases, compliance
checks and one finished collection run per repository and source. Issues, comments and people
scale with --commits (one fifth, one half and one fiftieth of it); the repositories stay.

The schema is created by the project's own migrations (`open_database`); rows are written in
bulk (COPY on PostgreSQL, executemany in one transaction on SQLite) with the secondary indexes
built afterwards, so 1M commits take minutes, not hours. The same seed gives the same rows.
Next to the database it writes an `ospo.yml` with the affiliation rules, groups and
objectives the pages read. The target database must be empty.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, Table, func, select
from sqlalchemy.engine import make_url

from ospo_metrics.db import open_database
from ospo_metrics.models import (
    Affiliation,
    CollectionRun,
    Comment,
    Commit,
    ComplianceCheck,
    Identity,
    Issue,
    Organization,
    Person,
    Release,
    Repository,
)

OWNED_ORGS = ("acme", "acme-cloud", "acme-labs", "acme-data", "acme-oss")
UPSTREAM_ORGS = 40
OWNED_REPOS = 1000
UPSTREAM_REPOS = 200
YEARS = 6
CHUNK = 250_000

EMPLOYEE_DOMAIN = "acme.com"
COMPANIES = {
    "globex.com": "Globex",
    "initech.com": "Initech",
    "umbrella.com": "Umbrella",
    "hooli.com": "Hooli",
    "stark.com": "Stark Industries",
}
UNMAPPED_DOMAINS = tuple(f"company{i}.io" for i in range(40))
GENERIC_DOMAINS = ("gmail.com", "users.noreply.github.com", "outlook.com")
FIRST = ("Ada", "Bo", "Chen", "Dana", "Eli", "Femi", "Gita", "Hugo", "Ines", "Jon", "Kai", "Lea")
LAST = ("Ito", "Kim", "Lund", "Moss", "Nagy", "Okoro", "Park", "Quinn", "Rossi", "Sato", "Vega")
VERBS = ("Fix", "Add", "Update", "Refactor", "Remove", "Document", "Test", "Bump")
THINGS = ("parser", "cache", "CLI", "docs", "client", "scheduler", "API", "build", "tests")
CHECKS = ("README", "LICENSE", "CONTRIBUTING", "CODE_OF_CONDUCT", "SECURITY", "ISSUE_TEMPLATE")


class Plan:
    """How many of everything, derived from the commit count."""

    def __init__(self, commits: int) -> None:
        self.commits = commits
        self.issues = max(commits // 5, 1)
        self.comments = max(commits // 2, 1)
        self.people = max(commits // 50, 200)
        self.repos = OWNED_REPOS + UPSTREAM_REPOS


def _timestamps(rng: np.random.Generator, n: int, start: datetime, end: datetime) -> np.ndarray:
    """Activity that grows over time: more recent weeks are busier."""
    span = (end - start).total_seconds()
    offsets = span * rng.random(n) ** 0.6
    base = np.datetime64(start.replace(tzinfo=None), "us")
    return base + (offsets * 1e6).astype("timedelta64[us]")


def _zipf_index(rng: np.random.Generator, n: int, size: int, exponent: float) -> np.ndarray:
    """Indexes 0..size-1, the low ones much more likely (a few big projects, many small)."""
    return np.minimum(rng.zipf(exponent, n) - 1, size - 1)


def _text(values: np.ndarray) -> list[str]:
    return values.astype(str).tolist()


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        if self.dialect == "sqlite":
            cursor = self.raw.cursor()
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.close()

    def rows(self, table: Table, columns: list[str], data: dict[str, list]) -> None:
        rows = list(zip(*(data[c] for c in columns), strict=True))
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = self.raw.cursor()
        if self.dialect == "sqlite":
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
        else:
            # `\N` marks NULL, so an empty string stays an empty string.
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(
                tuple("\\N" if v is None else v for v in row) for row in rows
            )
            copy_sql = f"COPY {table.name} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        cursor.close()

    def time(self, values: np.ndarray) -> list:
        """Timestamps as each backend stores them (SQLite: SQLAlchemy's text form; NaT: None)."""
        text = np.datetime_as_string(values, unit="us")
        if self.dialect == "sqlite":
            out = np.char.replace(text, "T", " ")
        else:
            out = np.char.add(text, "+00:00")
        result = out.astype(object)
        result[np.isnat(values)] = None
        return result.tolist()

    def flag(self, values: np.ndarray) -> list:
        if self.dialect == "sqlite":
            return values.astype(int).tolist()
        return np.where(values, "t", "f").tolist()

    def commit(self) -> None:
        self.raw.commit()

    def close(self) -> None:
        self.raw.close()


def _drop_indexes(engine: Engine, tables: list[Table]) -> list:
    dropped = []
    with engine.begin() as connection:
        for table in tables:
            for index in table.indexes:
                index.drop(connection)
                dropped.append(index)
    return dropped


def _create_indexes(engine: Engine, indexes: list) -> None:
    with engine.begin() as connection:
        for index in indexes:
            index.create(connection)


def generate(database_url: str, commits: int, seed: int = 7, today: date | None = None) -> Plan:
    engine = open_database(database_url)
    with engine.connect() as connection:
        if connection.scalar(select(func.count()).select_from(Repository)):
            raise SystemExit(f"{database_url} is not empty: use a fresh database")
    plan = Plan(commits)
    rng = np.random.default_rng(seed)
    end = datetime.combine(today or date.today(), datetime.min.time(), tzinfo=UTC)
    start = end - timedelta(days=365 * YEARS)
    bulk = [Commit.__table__, Issue.__table__, Comment.__table__, Identity.__table__]
    indexes = _drop_indexes(engine, bulk)
    writer = Writer(engine)
    began = time.perf_counter()

    def step(what: str) -> None:
        print(f"  {what:<28} {time.perf_counter() - began:7.1f} s", flush=True)

    people = _people(writer, rng, plan, start, end)
    step(f"{plan.people:,} people")
    _repositories(writer, rng, plan, end)
    step(f"{plan.repos:,} repositories")
    _commits(writer, rng, plan, people, start, end)
    writer.commit()
    step(f"{plan.commits:,} commits")
    issue_created = _issues(writer, rng, plan, people, start, end)
    writer.commit()
    step(f"{plan.issues:,} issues and pull requests")
    _comments(writer, rng, plan, issue_created, end)
    _releases_checks_runs(writer, rng, plan, start, end)
    writer.commit()
    step(f"{plan.comments:,} comments, releases, runs")
    writer.close()
    _create_indexes(engine, indexes)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    step("indexes and statistics")
    engine.dispose()
    return plan


class People:
    """Who the generated people are: kind per person and the address their commits carry."""

    def __init__(
        self, kind: np.ndarray, name: np.ndarray, email: np.ndarray, login: np.ndarray
    ) -> None:
        self.kind = kind  # 0 employee, 1 partner company, 2 other company, 3 independent, 4 bot
        self.name = name
        self.email = email
        self.login = login
        self.employees = np.flatnonzero(kind == 0)


def _people(
    writer: Writer, rng: np.random.Generator, plan: Plan, start: datetime, end: datetime
) -> People:
    n = plan.people
    ids = np.arange(1, n + 1)
    kind = rng.choice(5, n, p=[0.22, 0.18, 0.2, 0.38, 0.02])
    first = np.array(FIRST)[rng.integers(0, len(FIRST), n)]
    last = np.array(LAST)[rng.integers(0, len(LAST), n)]
    names = np.char.add(np.char.add(first, " "), last)
    login = np.char.add("user", ids.astype(str))
    bot = kind == 4
    names = np.where(bot, np.char.add(np.char.add("automation-", ids.astype(str)), "[bot]"), names)
    login = np.where(bot, np.char.add(login, "[bot]"), login)
    local = np.char.add(np.char.lower(np.char.replace(first, " ", "")), ids.astype(str))
    company = np.array(list(COMPANIES))[rng.integers(0, len(COMPANIES), n)]
    other = np.array(UNMAPPED_DOMAINS)[rng.integers(0, len(UNMAPPED_DOMAINS), n)]
    generic = np.array(GENERIC_DOMAINS)[rng.integers(0, len(GENERIC_DOMAINS), n)]
    domain = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [EMPLOYEE_DOMAIN, company, other, generic],
        default="users.noreply.github.com",
    )
    email = np.char.add(np.char.add(local, "@"), domain)
    writer.rows(
        Person.__table__,
        ["id", "name", "login", "is_bot"],
        {
            "id": ids.tolist(),
            "name": _text(names),
            "login": _text(login),
            "is_bot": writer.flag(bot),
        },
    )
    # Identities: every address, a second (private) address for one in ten, and the login.
    second = rng.random(n) < 0.1
    values = np.concatenate(
        [email, np.char.add(np.char.add(local, ".home@"), "gmail.com")[second], login]
    )
    owners = np.concatenate([ids, ids[second], ids])
    kinds = ["email"] * (n + int(second.sum())) + ["github"] * n
    writer.rows(
        Identity.__table__,
        ["id", "person_id", "kind", "value", "name"],
        {
            "id": list(range(1, len(values) + 1)),
            "person_id": owners.tolist(),
            "kind": kinds,
            "value": _text(np.char.lower(values)),
            "name": _text(np.concatenate([names, names[second], names])),
        },
    )
    # Dated employments: org membership for most employees (from the day it was first seen),
    # and people who joined or left, as a configuration would date them.
    employees = np.flatnonzero(kind == 0)
    members = employees[rng.random(len(employees)) < 0.25]
    movers = rng.choice(n, size=max(n // 60, 1), replace=False)
    span_days = (end - start).days
    member_from = rng.integers(0, span_days, len(members))
    mover_from = rng.integers(0, span_days // 2, len(movers))
    mover_to = mover_from + rng.integers(90, span_days // 2, len(movers))
    day0 = np.datetime64(start.date())
    rows = {
        "id": list(range(1, len(members) + len(movers) + 1)),
        "person_id": (np.concatenate([members, movers]) + 1).tolist(),
        "organization": ["Acme"] * len(members)
        + _text(np.where(rng.random(len(movers)) < 0.5, "Acme", "Globex")),
        "is_employer": [True] * len(members) + [False] * len(movers),
        "valid_from": _text(day0 + np.concatenate([member_from, mover_from]).astype("m8[D]")),
        "valid_to": [None] * len(members) + _text(day0 + mover_to.astype("m8[D]")),
        "source": ["org_membership"] * len(members) + ["config"] * len(movers),
    }
    rows["is_employer"] = writer.flag(np.array(rows["is_employer"]))
    writer.rows(
        Affiliation.__table__,
        ["id", "person_id", "organization", "is_employer", "valid_from", "valid_to", "source"],
        rows,
    )
    return People(kind, names, email, login)


def _repositories(writer: Writer, rng: np.random.Generator, plan: Plan, end: datetime) -> None:
    orgs = list(OWNED_ORGS)
    writer.rows(
        Organization.__table__,
        ["id", "platform", "login", "name", "relationship"],
        {
            "id": list(range(1, len(orgs) + 1)),
            "platform": ["github"] * len(orgs),
            "login": orgs,
            "name": [o.title() for o in orgs],
            "relationship": ["owned"] * len(orgs),
        },
    )
    names, org_ids, relationship = [], [], []
    for i in range(OWNED_REPOS):
        org = i % len(OWNED_ORGS)
        names.append(f"{OWNED_ORGS[org]}/project-{i:04d}")
        org_ids.append(org + 1)
        relationship.append("owned")
    for i in range(UPSTREAM_REPOS):
        names.append(f"upstream-{i % UPSTREAM_ORGS:02d}/library-{i:03d}")
        org_ids.append(None)
        relationship.append("upstream")
    n = len(names)
    licenses = np.array(["Apache-2.0", "MIT", "BSD-3-Clause", "NOASSERTION", ""])
    license_spdx = licenses[rng.choice(len(licenses), n, p=[0.5, 0.25, 0.1, 0.05, 0.1])]
    writer.rows(
        Repository.__table__,
        [
            "id",
            "platform",
            "full_name",
            "organization_id",
            "relationship",
            "is_fork",
            "is_archived",
            "visibility",
            "license_spdx",
            "stars",
            "default_branch",
        ],
        {
            "id": list(range(1, n + 1)),
            "platform": ["github"] * n,
            "full_name": names,
            "organization_id": org_ids,
            "relationship": relationship,
            "is_fork": writer.flag(rng.random(n) < 0.03),
            "is_archived": writer.flag(rng.random(n) < 0.05),
            "visibility": ["public"] * n,
            "license_spdx": [v or None for v in _text(license_spdx)],
            "stars": rng.zipf(1.5, n).clip(0, 100_000).tolist(),
            "default_branch": ["main"] * n,
        },
    )


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for first in range(0, total, CHUNK):
        yield first, min(CHUNK, total - first)


def _commits(
    writer: Writer,
    rng: np.random.Generator,
    plan: Plan,
    people: People,
    start: datetime,
    end: datetime,
) -> None:
    columns = [
        "id",
        "repository_id",
        "sha",
        "parents",
        "author_id",
        "author_name",
        "author_email",
        "authored_at",
        "author_tz_offset",
        "committer_id",
        "committed_at",
        "additions",
        "deletions",
        "files_changed",
        "binary_files",
        "is_merge",
        "signed_off",
        "co_authors",
        "subject",
    ]
    n_people = plan.people
    verbs, things = np.array(VERBS), np.array(THINGS)
    for first, n in _chunks(plan.commits):
        # Mostly owned repositories, a few big ones; each repository has its own regulars.
        repo = np.where(
            rng.random(n) < 0.9,
            _zipf_index(rng, n, OWNED_REPOS, 1.2),
            OWNED_REPOS + _zipf_index(rng, n, UPSTREAM_REPOS, 1.3),
        )
        author = (repo * 7919 + _zipf_index(rng, n, n_people, 1.4) * 104729) % n_people
        bots = np.flatnonzero(people.kind == 4)
        bot_commit = rng.random(n) < 0.03
        author[bot_commit] = bots[rng.integers(0, len(bots), int(bot_commit.sum()))]
        authored = _timestamps(rng, n, start, end)
        is_merge = rng.random(n) < 0.05
        high, low = rng.integers(0, 2**62, (2, n), dtype=np.int64)
        sha = [
            f"{h:016x}{lo:016x}{i:08x}"
            for h, lo, i in zip(high.tolist(), low.tolist(), range(first, first + n), strict=True)
        ]
        subject = np.char.add(
            np.char.add(verbs[rng.integers(0, len(verbs), n)], " "),
            np.char.add(things[rng.integers(0, len(things), n)], " handling"),
        )
        subject = np.where(is_merge, "Merge pull request from a branch", subject)
        additions = rng.lognormal(3, 1.5, n).astype(np.int64)
        writer.rows(
            Commit.__table__,
            columns,
            {
                "id": list(range(first + 1, first + n + 1)),
                "repository_id": (repo + 1).tolist(),
                "sha": sha,
                "parents": ["p"] * n,
                "author_id": (author + 1).tolist(),
                "author_name": _text(people.name[author]),
                "author_email": _text(people.email[author]),
                "authored_at": writer.time(authored),
                "author_tz_offset": [0] * n,
                "committer_id": (author + 1).tolist(),
                "committed_at": writer.time(authored),
                "additions": additions.tolist(),
                "deletions": (additions * rng.random(n)).astype(np.int64).tolist(),
                "files_changed": rng.integers(1, 20, n).tolist(),
                "binary_files": [0] * n,
                "is_merge": writer.flag(is_merge),
                "signed_off": writer.flag(rng.random(n) < 0.3),
                "co_authors": [""] * n,
                "subject": _text(subject),
            },
        )


def _issues(
    writer: Writer,
    rng: np.random.Generator,
    plan: Plan,
    people: People,
    start: datetime,
    end: datetime,
) -> np.ndarray:
    n = plan.issues
    upstream = rng.random(n) < 0.15
    repo = np.where(
        upstream,
        OWNED_REPOS + _zipf_index(rng, n, UPSTREAM_REPOS, 1.3),
        _zipf_index(rng, n, OWNED_REPOS, 1.2),
    )
    author = _zipf_index(rng, n, plan.people, 1.3) * 7919 % plan.people
    # Upstream pull requests are mostly our employees' contributions.
    ours = upstream & (rng.random(n) < 0.7)
    author[ours] = people.employees[rng.integers(0, len(people.employees), int(ours.sum()))]
    is_pr = np.where(upstream, True, rng.random(n) < 0.6)
    created = _timestamps(rng, n, start, end)

    def hours(mu: float, sigma: float) -> np.ndarray:
        return (rng.lognormal(mu, sigma, n) * 3.6e9).astype("timedelta64[us]")

    responded = created + hours(2.5, 1.5)
    closed = created + hours(4, 2)
    done = (rng.random(n) < 0.85) & (closed < np.datetime64(end.replace(tzinfo=None)))
    merged = done & is_pr & (rng.random(n) < 0.7)
    state = np.where(merged, "merged", np.where(done, "closed", "open"))
    responded = np.where(rng.random(n) < 0.8, responded, np.datetime64("NaT"))
    no_time = np.datetime64("NaT", "us")
    # Numbers count up per repository, in creation order.
    order = np.lexsort((created, repo))
    number = np.empty(n, dtype=np.int64)
    sorted_repo = repo[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_repo)) + 1]
    run = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    number[order] = run + 1
    ids = np.arange(1, n + 1)
    writer.rows(
        Issue.__table__,
        [
            "id",
            "repository_id",
            "number",
            "is_pull_request",
            "title",
            "author_id",
            "author_login",
            "state",
            "is_draft",
            "labels",
            "created_at",
            "updated_at",
            "closed_at",
            "merged_at",
            "first_response_at",
            "html_url",
        ],
        {
            "id": ids.tolist(),
            "repository_id": (repo + 1).tolist(),
            "number": number.tolist(),
            "is_pull_request": writer.flag(is_pr),
            "title": ["Generated item"] * n,
            "author_id": (author + 1).tolist(),
            "author_login": _text(people.login[author]),
            "state": _text(state),
            "is_draft": writer.flag(is_pr & (rng.random(n) < 0.05)),
            "labels": ["[]"] * n,
            "created_at": writer.time(created),
            "updated_at": writer.time(np.where(done, closed, created)),
            "closed_at": writer.time(np.where(done, closed, no_time)),
            "merged_at": writer.time(np.where(merged, closed, no_time)),
            "first_response_at": writer.time(responded),
            "html_url": [None] * n,
        },
    )
    return created


def _comments(
    writer: Writer, rng: np.random.Generator, plan: Plan, issue_created: np.ndarray, end: datetime
) -> None:
    for first, n in _chunks(plan.comments):
        issue = rng.integers(0, plan.issues, n)
        created = issue_created[issue] + (rng.lognormal(3, 2, n) * 3.6e9).astype("m8[us]")
        created = np.minimum(created, np.datetime64(end.replace(tzinfo=None), "us"))
        kind = np.where(rng.random(n) < 0.7, "comment", "review")
        writer.rows(
            Comment.__table__,
            ["id", "platform", "kind", "source_id", "issue_id", "author_id", "created_at"],
            {
                "id": list(range(first + 1, first + n + 1)),
                "platform": ["github"] * n,
                "kind": _text(kind),
                "source_id": list(range(first + 1, first + n + 1)),
                "issue_id": (issue + 1).tolist(),
                "author_id": (rng.integers(0, plan.people, n) + 1).tolist(),
                "created_at": writer.time(created),
            },
        )


def _releases_checks_runs(
    writer: Writer, rng: np.random.Generator, plan: Plan, start: datetime, end: datetime
) -> None:
    per_repo = rng.integers(0, 20, plan.repos)
    repo = np.repeat(np.arange(plan.repos), per_repo)
    tag_number = np.arange(len(repo)) - np.repeat(np.cumsum(per_repo) - per_repo, per_repo)
    writer.rows(
        Release.__table__,
        ["id", "repository_id", "tag", "published_at", "is_prerelease", "is_draft"],
        {
            "id": list(range(1, len(repo) + 1)),
            "repository_id": (repo + 1).tolist(),
            "tag": [f"v1.{t}.0" for t in tag_number],
            "published_at": writer.time(_timestamps(rng, len(repo), start, end)),
            "is_prerelease": writer.flag(rng.random(len(repo)) < 0.1),
            "is_draft": writer.flag(np.zeros(len(repo), dtype=bool)),
        },
    )
    owned = np.arange(OWNED_REPOS)
    check_repo = np.repeat(owned, len(CHECKS))
    check_time = np.full(len(check_repo), np.datetime64(end.replace(tzinfo=None), "us"))
    writer.rows(
        ComplianceCheck.__table__,
        ["id", "repository_id", "check", "passed", "detail", "checked_at"],
        {
            "id": list(range(1, len(check_repo) + 1)),
            "repository_id": (check_repo + 1).tolist(),
            "check": list(CHECKS) * OWNED_REPOS,
            "passed": writer.flag(rng.random(len(check_repo)) < 0.8),
            "detail": [None] * len(check_repo),
            "checked_at": writer.time(check_time),
        },
    )
    # One finished git run and one GitHub run per repository: what a collection leaves.
    repos = np.arange(plan.repos)
    finished = np.datetime64(end.replace(tzinfo=None), "us") - np.timedelta64(1, "h")
    times = np.full(2 * plan.repos, finished) + (np.arange(2 * plan.repos) * 1e6).astype("m8[us]")
    targets = [f"repo-{r}" for r in repos] * 2
    writer.rows(
        CollectionRun.__table__,
        [
            "id",
            "collector",
            "target",
            "started_at",
            "finished_at",
            "status",
            "items_seen",
            "items_written",
            "cursor",
            "requests_made",
            "rate_limit_used",
        ],
        {
            "id": list(range(1, 2 * plan.repos + 1)),
            "collector": ["git"] * plan.repos + ["github"] * plan.repos,
            "target": targets,
            "started_at": writer.time(times - np.timedelta64(30, "s")),
            "finished_at": writer.time(times),
            "status": ["ok"] * (2 * plan.repos),
            "items_seen": [0] * (2 * plan.repos),
            "items_written": [0] * (2 * plan.repos),
            "cursor": [json.dumps({})] * (2 * plan.repos),
            "requests_made": [0] * (2 * plan.repos),
            "rate_limit_used": [0] * (2 * plan.repos),
        },
    )


CONFIG = """\
# Written by benchmarks/dataset.py for the generated benchmark database.
organizations: [{orgs}]
groups:
  cloud: [acme-cloud/*]
  top20: [{top20}]
affiliation:
  organization: Acme
  email_domains: [{domain}]
  domain_organizations:
{companies}
objectives:
  - id: ttfr-top20
    title: Reply to every new issue within 48 hours
    kpi: time_to_first_response
    scope: group:top20
    aggregation: median_90d
    baseline: {{value: 70, date: {baseline}}}
    target: 48
    due: {due}
  - id: contributors-acme
    title: Grow active contributors across Acme
    kpi: active_contributors
    scope: org:acme
    baseline: {{value: 100, date: {baseline}}}
    target: 400
    due: {due}
  - id: commits-cloud
    title: Commits into the cloud repositories this year
    kpi: commits
    scope: group:cloud
    aggregation: sum_ytd
    baseline: {{value: 0, date: {year_start}}}
    target: 200000
    due: {year_end}
  - id: upstream-prs
    title: Upstream pull requests merged
    kpi: upstream_prs_merged
    scope: all
    baseline: {{value: 50, date: {baseline}}}
    target: 300
    due: {due}
"""


def write_config(path: Path, today: date) -> None:
    top20 = ", ".join(f"{OWNED_ORGS[i % len(OWNED_ORGS)]}/project-{i:04d}" for i in range(20))
    companies = "\n".join(f"    {d}: {name}" for d, name in COMPANIES.items())
    path.write_text(
        CONFIG.format(
            orgs=", ".join(OWNED_ORGS),
            top20=top20,
            domain=EMPLOYEE_DOMAIN,
            companies=companies,
            baseline=today - timedelta(days=180),
            due=today + timedelta(days=365),
            year_start=date(today.year, 1, 1),
            year_end=date(today.year, 12, 31),
        ),
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=1_000_000)
    parser.add_argument("--database", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--config", help="where to write ospo.yml (default: beside a SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = make_url(args.database)
    config = Path(args.config) if args.config else None
    if config is None and url.get_backend_name() == "sqlite" and url.database:
        config = Path(url.database).with_suffix(".yml")
    today = date.today()
    plan = Plan(args.commits)
    print(
        f"generating {plan.commits:,} commits, {plan.issues:,} issues and pull requests, "
        f"{plan.comments:,} comments, {plan.people:,} people, {plan.repos:,} repositories",
        flush=True,
    )
    began = time.perf_counter()
    generate(args.database, args.commits, args.seed, today)
    if config:
        write_config(config, today)
        print(f"configuration: {config}")
    print(f"done in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
