"""Applies the configuration's people to the database: identities merged, employments dated."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ospo_metrics.models import Affiliation
from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.identity import identity_key, normalize_name
from ospo_metrics.store import PeopleResolver
from ospo_metrics.store.locks import serialize

CONFIG_SOURCE = "config"


def sync_config_people(session: Session, config: object, bots: BotRules) -> int:
    """Link each configured person's login and emails to one person; replace their employments.

    Safe to run before every collection: it converges to the same rows, and merges people that
    were created separately before the configuration said they are one.
    """
    affiliation = getattr(config, "affiliation", None)
    serialize(session, "affiliations:config")  # concurrent runs must not both insert them
    session.execute(delete(Affiliation).where(Affiliation.source == CONFIG_SOURCE))
    if affiliation is None:
        return 0
    resolver = PeopleResolver(session, bots)
    rows = []
    for entry in affiliation.people:
        keys = []
        if entry.login:
            keys.append(identity_key(login=entry.login))
        keys += [identity_key(email=email) for email in entry.emails]
        keys = [key for key in dict.fromkeys(keys) if key]
        if not keys:
            continue
        first = keys[0]
        person_id = resolver.person_for(first) or resolver.resolve(
            entry.name, email=None if first[0] == "github" else first[1], login=entry.login
        )
        resolver.link(person_id, keys, normalize_name(entry.name) if entry.name else None)
        organization = entry.organization or affiliation.organization
        # No employments listed: the person belongs to the organization for all time.
        periods = [(e.start, e.end) for e in entry.employments] or [(None, None)]
        for start, end in periods:
            rows.append(
                {
                    "person_id": person_id,
                    "organization": organization,
                    "is_employer": organization == affiliation.organization,
                    "valid_from": start,
                    "valid_to": end,
                    "source": CONFIG_SOURCE,
                }
            )
    if rows:
        session.execute(Affiliation.__table__.insert(), rows)
    return len(rows)
