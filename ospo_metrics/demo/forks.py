"""The demo's forks: who forked the demo organization's public repositories, as the fork
listing of `collect github` would store them (through the same store function).

Each public, non-fork repository gets a few forks by outside users, one by an outside
organization (a municipality, a university: public-sector reuse), and one by an employee (a
personal fork, which `external_forks` leaves out); a few of them in the last complete week,
so the Public sector page shows a value for every period. Deterministic for a build date;
written again, nothing changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ospo_metrics.demo.github import last_complete_week_start, seed_for
from ospo_metrics.demo.repositories import DEMO_COMPANY, DEMO_ORG_LOGIN
from ospo_metrics.models import Affiliation, Identity, Repository
from ospo_metrics.store.forks import write_forks

if TYPE_CHECKING:
    from ospo_metrics.context import Context

OUTSIDE_USERS = ("mira-dev", "jonas-k", "amelie-codes", "rafael-o", "ines-b", "yuki-t", "omar-s")
OUTSIDE_ORGANIZATIONS = ("city-of-westhaven", "open-uni-lab", "regional-health-it")
HISTORY_DAYS = 540
FORK_IDS = 880_000_000  # demo forks' GitHub ids start here (one block of 100 per repository)


def _employee_logins(session: Session) -> list[str]:
    return sorted(
        set(
            session.scalars(
                select(Identity.value)
                .join(Affiliation, Affiliation.person_id == Identity.person_id)
                .where(Identity.kind == "github", Affiliation.organization == DEMO_COMPANY)
            )
        )
    )


def write_demo_forks(context: Context, today: date, seed: int = 11) -> int:
    """Forks of the demo's public repositories; returns the rows written."""
    now = datetime.combine(today, time(0), UTC)
    week = last_complete_week_start(today)
    written = 0
    with Session(context.engine) as session, session.begin():
        repos = session.execute(
            select(Repository.id, Repository.full_name, Repository.created_at)
            .where(
                Repository.platform == "github",
                Repository.relationship == "owned",
                Repository.is_fork.is_not(True),
                Repository.visibility == "public",
                Repository.full_name.like(f"{DEMO_ORG_LOGIN}/%"),
            )
            .order_by(Repository.full_name)
        ).all()
        employees = _employee_logins(session)
        for index, (repo_id, full_name, created) in enumerate(repos):
            rng = seed_for(seed, f"forks/{full_name}")
            start = max(_aware(created) if created else now, now - timedelta(days=HISTORY_DAYS))
            span = max(1, (now - start).days - 1)
            owners = [(u, "User") for u in rng.sample(OUTSIDE_USERS, rng.randint(2, 5))]
            owners.append((rng.choice(OUTSIDE_ORGANIZATIONS), "Organization"))
            if employees:
                owners.append((rng.choice(employees), "User"))
            name = full_name.split("/", 1)[1]
            rows = []
            for k, (owner, kind) in enumerate(owners):
                moment = start + timedelta(days=rng.randint(0, span), hours=rng.randint(8, 18))
                if k == 0 and index % 2 == 0:  # a fresh one: the last complete week has some
                    moment = datetime.combine(week, time(10), UTC) + timedelta(days=index % 5)
                rows.append(
                    {
                        "platform_id": FORK_IDS + index * 100 + k,
                        "full_name": f"{owner}/{name}",
                        "owner_login": owner,
                        "owner_type": kind,
                        "created_at": min(moment, now - timedelta(hours=1)),
                    }
                )
            written += write_forks(session, repo_id, rows, None, now)
    return written


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
