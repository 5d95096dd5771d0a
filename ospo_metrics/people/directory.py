"""Who is who, read from the database: identities, the names they were seen with, and what
kind of actor (human, bot, AI agent) each person is.

Read functions only (the writes are the store's and curation's). They load the small people
tables whole; the read layer maps the answers onto the large activity tables by person id.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from ospo_metrics.models import Affiliation, CurationRule, Identity, IdentityName
from ospo_metrics.people.bots import ACTORS, BotRules, classify_people

EMPLOYMENT_COLUMNS = ["person_id", "organization", "valid_from", "valid_to", "source"]
# Which dated affiliation wins where two cover the same day: what was observed (organization
# membership) gives way to imported records, those to the configuration a person wrote, and
# everything to a curation decision made for that very person.
_PRECEDENCE = {"org_membership": 0, "import": 1, "config": 2, "curation": 3}


def precedence(source: str) -> int:
    """Rank of an affiliation source (`import:hr` ranks as `import`); higher wins."""
    return _PRECEDENCE.get(source.partition(":")[0], 1)


def read_frame(engine: Engine, statement) -> pd.DataFrame:
    """The statement's rows as a DataFrame, its columns named as selected."""
    with engine.connect() as connection:
        result = connection.execute(statement)
        # Plain tuples: pandas probes Row objects attribute by attribute, which costs more
        # than the query.
        return pd.DataFrame(list(map(tuple, result)), columns=list(result.keys()))


def identity_text(kind: str, value: str) -> str:
    """An identity key as curation files and the CLI write it: `email:jane@acme.com`."""
    return f"{kind}:{value}"


def load_identities(engine: Engine) -> pd.DataFrame:
    """Every identity: identity_id, person_id, kind, value, name (the first name seen)."""
    frame = read_frame(
        engine,
        select(
            Identity.id.label("identity_id"),
            Identity.person_id,
            Identity.kind,
            Identity.value,
            Identity.name,
        ).order_by(Identity.id),
    )
    if frame.empty:
        return pd.DataFrame(columns=["identity_id", "person_id", "kind", "value", "name"])
    return frame


def load_appearances(engine: Engine) -> pd.DataFrame:
    """One row per identity and name it was seen with: person_id, kind, value, name."""
    identities = load_identities(engine)
    names = read_frame(engine, select(IdentityName.identity_id, IdentityName.name))
    columns = ["person_id", "kind", "value", "name"]
    seen = identities[columns]
    if not names.empty:
        more = names.merge(identities.drop(columns=["name"]), on="identity_id")[columns]
        seen = pd.concat([seen, more], ignore_index=True)
    return seen.drop_duplicates(ignore_index=True)


def person_of_keys(identities: pd.DataFrame) -> dict[str, int]:
    """Identity key text (`email:jane@acme.com`) -> person id."""
    keys = identities["kind"] + ":" + identities["value"]
    return dict(zip(keys, identities["person_id"].astype(int), strict=True))


def load_employments(engine: Engine) -> pd.DataFrame:
    """Dated affiliations of people in the order they apply (later rows win where they
    overlap): organization memberships, imports, the configuration, curation decisions.
    Columns person_id, organization, valid_from, valid_to, source."""
    stored = read_frame(
        engine,
        select(
            Affiliation.person_id,
            Affiliation.organization,
            Affiliation.valid_from,
            Affiliation.valid_to,
            Affiliation.source,
        ).order_by(Affiliation.id),
    )
    curated = read_frame(
        engine,
        select(
            CurationRule.key,
            CurationRule.organization,
            CurationRule.valid_from,
            CurationRule.valid_to,
            CurationRule.source,
        )
        .where(CurationRule.kind == "affiliation")
        .order_by(CurationRule.id),
    )
    parts = [stored] if len(stored) else []
    if len(curated):
        person_of = person_of_keys(load_identities(engine))
        curated["person_id"] = curated["key"].map(person_of)
        curated = curated.dropna(subset=["person_id"])
        parts.append(curated.astype({"person_id": "int64"})[EMPLOYMENT_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=EMPLOYMENT_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.assign(rank=frame["source"].map(precedence)).sort_values("rank", kind="stable")
    return frame.drop(columns="rank").reset_index(drop=True)[EMPLOYMENT_COLUMNS]


def curated_actors(engine: Engine, identities: pd.DataFrame) -> dict[int, str]:
    """person_id -> actor kind a person said it is (`ospo-metrics people set-bot`)."""
    rules = read_frame(
        engine,
        select(CurationRule.key, CurationRule.value)
        .where(CurationRule.kind == "bot")
        .order_by(CurationRule.id),
    )
    if rules.empty or identities.empty:
        return {}
    person_of = person_of_keys(identities)
    out: dict[int, str] = {}
    for key, value in zip(rules["key"], rules["value"], strict=True):
        if key in person_of and value in ACTORS:
            out[int(person_of[key])] = value
    return out


def person_actors(engine: Engine, bots: BotRules) -> pd.Series:
    """person_id -> "human", "bot" or "ai_agent", from all appearances of all identities."""
    appearances = load_appearances(engine)
    overrides = curated_actors(engine, load_identities(engine)) if len(appearances) else {}
    return classify_people(appearances, bots, overrides)
