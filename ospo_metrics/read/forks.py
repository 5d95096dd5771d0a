"""The forks frame (kpis.schema.FORKS_SCHEMA): who forked the repositories we own, and whether
that owner is us on the fork date.

A fork's owner is an account: one of our configured organizations (`owner_is_ours`), another
organization, or a person. A person's organization on the fork date comes from the same rules
as a contribution's (curation, configuration, imports, organization membership, then the
person's best e-mail domain): a login we have never seen is nobody's employee. Small (a row per
fork), read whole on every data version like the health frames.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine, select

from kpis.schema import frame
from ospo_metrics.models import Repository, RepositoryFork
from ospo_metrics.people.affiliation import AffiliationRules, affiliate, best_emails
from ospo_metrics.people.bots import BOT, HUMAN
from ospo_metrics.people.directory import (
    load_employments,
    load_identities,
    person_actors,
    person_of_keys,
    read_frame,
)


def load_forks(
    engine: Engine, rules: AffiliationRules, organizations: Iterable[str]
) -> pd.DataFrame:
    """Every stored fork of a repository we own, with its owner's affiliation."""
    rows = read_frame(
        engine,
        select(
            Repository.full_name.label("repo"),
            Repository.relationship,
            RepositoryFork.full_name.label("fork"),
            RepositoryFork.owner_login,
            RepositoryFork.owner_type,
            RepositoryFork.created_at,
            RepositoryFork.deleted_at,
        ).join(Repository, RepositoryFork.repository_id == Repository.id),
    )
    if rows.empty:
        return frame("forks", [])
    for column in ("created_at", "deleted_at"):
        rows[column] = pd.to_datetime(rows[column], utc=True, format="ISO8601")
    ours = {login.lower() for login in organizations}
    rows["owner_is_ours"] = rows["owner_login"].str.lower().isin(ours)
    identities = load_identities(engine)
    person_of = person_of_keys(identities)
    people = rows["owner_login"].map(lambda login: person_of.get(f"github:{login.lower()}"))
    is_person = (rows["owner_type"] == "User").to_numpy()
    rows["person_id"] = pd.to_numeric(people.where(is_person), errors="coerce")
    rows["email"] = rows["person_id"].map(best_emails(identities, rules))
    actor = rows["person_id"].map(person_actors(engine, rules.bots)).fillna(HUMAN).astype(object)
    actor = actor.mask((rows["owner_type"] == "Bot").to_numpy(), BOT)
    affiliation = affiliate(
        rows,
        load_employments(engine),
        rules,
        person="person_id",
        email="email",
        when="created_at",
        actor=actor,
    )
    rows["is_bot"] = actor.map(rules.bots.is_excluded).astype(bool)
    # An organization's account is its own organization; a person's is the one of that day.
    rows["organization"] = affiliation["organization"].where(is_person, rows["owner_login"])
    rows["is_employee"] = affiliation["is_employee"] & is_person
    return frame("forks", rows)
