"""What the People page and `ospo-metrics people list|show` show: people, their identities, and
their organizations over time with where each one comes from.

Read-only, from the small people tables (see :mod:`~ospo_metrics.people.directory`); the
contributions per person and kind come from the read layer's contributions frame, passed in,
so a count here is the count the KPIs use.

An affiliation's source, in words: ``configuration`` (`affiliation.people` in ospo.yml),
``curation`` (`people set-affiliation`, the page), ``import (hr|sortinghat|gitdm)``,
``organization membership`` (GitHub org members) and, for an e-mail address no dated
affiliation covers, ``e-mail domain rule`` (`email_domains`, `domain_organizations`) or
``generic address`` (free-mail and noreply addresses say nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from kpis.schema import Frames
from ospo_metrics.people.affiliation import SOURCE_DOMAIN, SOURCE_GENERIC, AffiliationRules
from ospo_metrics.people.directory import (
    load_appearances,
    load_employments,
    load_identities,
    person_actors,
)

PEOPLE_COLUMNS = [
    "person_id",
    "name",
    "actor",
    "logins",
    "emails",
    "identities",
    "organization",
    "affiliation_source",
    "contributions",
]
IDENTITY_COLUMNS = ["person_id", "identity", "kind", "name", "organizations"]
AFFILIATION_COLUMNS = ["person_id", "name", "organization", "from", "to", "source", "identity"]


def source_label(source: str) -> str:
    """An affiliation source as a person reads it (see the module doc)."""
    kind, _, detail = str(source).partition(":")
    labels = {
        "config": "configuration",
        "curation": "curation",
        "org_membership": "organization membership",
        SOURCE_DOMAIN: "e-mail domain rule",
        SOURCE_GENERIC: "generic address",
    }
    if kind == "import":
        return f"import ({detail})" if detail else "import"
    return labels.get(kind, str(source))


def _span(start: object, end: object) -> str:
    def day(value: object) -> str:
        return "" if value is None or pd.isna(value) else str(pd.Timestamp(value).date())

    return f"{day(start) or '…'}..{day(end) or '…'}"


@dataclass
class PeopleData:
    """The small people tables, read once for all the views of one page or command."""

    identities: pd.DataFrame
    appearances: pd.DataFrame
    employments: pd.DataFrame
    actors: pd.Series

    @classmethod
    def load(cls, engine: Engine, rules: AffiliationRules) -> PeopleData:
        return cls(
            identities=load_identities(engine),
            appearances=load_appearances(engine),
            employments=load_employments(engine),
            actors=person_actors(engine, rules.bots),
        )


def _data(source: Engine | PeopleData, rules: AffiliationRules) -> PeopleData:
    return source if isinstance(source, PeopleData) else PeopleData.load(source, rules)


def _names(data: PeopleData) -> pd.Series:
    """person_id -> the name most of their identities were seen with."""
    seen = data.appearances.dropna(subset=["name"])
    seen = seen[seen["name"].str.strip() != ""]
    if seen.empty:
        return pd.Series(dtype=object)
    counts = seen.groupby(["person_id", "name"]).size().reset_index(name="n")
    counts = counts.sort_values(["person_id", "n", "name"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")["name"]


def _domain_rules(emails: pd.Series, rules: AffiliationRules) -> tuple[list[str], list[str]]:
    """(organization, source label) of each address; each domain is judged once."""
    answers: dict[str, tuple[str, str]] = {}
    organizations, sources = [], []
    for value in emails:
        domain = value.rpartition("@")[2]
        if domain not in answers:
            organization, source = rules.affiliation_for_email(value)
            answers[domain] = (organization, source_label(source))
        organizations.append(answers[domain][0])
        sources.append(answers[domain][1])
    return organizations, sources


def affiliations_table(source: Engine | PeopleData, rules: AffiliationRules) -> pd.DataFrame:
    """Every dated affiliation with its source, then each e-mail address's domain rule (what
    applies on days no dated affiliation covers). Later rows of one person win where dated
    ones overlap (curation over configuration over imports over memberships)."""
    data = _data(source, rules)
    dated = data.employments.rename(columns={"valid_from": "from", "valid_to": "to"})
    dated = dated.assign(source=dated["source"].map(source_label), identity="")
    emails = data.identities[data.identities["kind"] == "email"]
    organizations, sources = _domain_rules(emails["value"], rules)
    by_domain = pd.DataFrame(
        {
            "person_id": emails["person_id"].to_numpy(),
            "organization": organizations,
            "from": None,
            "to": None,
            "source": sources,
            "identity": ("email:" + emails["value"]).to_numpy(),
        }
    )
    parts = [part for part in (dated, by_domain) if len(part)]
    if not parts:
        return pd.DataFrame(columns=AFFILIATION_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame["person_id"] = frame["person_id"].astype("int64")
    frame["name"] = frame["person_id"].map(_names(data))
    return frame[AFFILIATION_COLUMNS]


def _organizations_text(affiliations: pd.DataFrame) -> pd.Series:
    """person_id -> "Acme 2021-03-01..2024-06-30 (import (hr)); Globex 2024-07-01..… (curation)"."""
    dated = affiliations[affiliations["identity"] == ""]
    if dated.empty:
        return pd.Series(dtype=object)
    text = (
        dated["organization"].astype(str)
        + " "
        + [_span(a, b) for a, b in zip(dated["from"], dated["to"], strict=True)]
        + " ("
        + dated["source"]
        + ")"
    )
    return text.groupby(dated["person_id"]).agg("; ".join)


def identities_table(
    source: Engine | PeopleData,
    rules: AffiliationRules,
    affiliations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per identity: its person, the name it was first seen with, and its
    organizations over time (the person's dated affiliations, else its own domain rule)."""
    data = _data(source, rules)
    if data.identities.empty:
        return pd.DataFrame(columns=IDENTITY_COLUMNS)
    if affiliations is None:
        affiliations = affiliations_table(data, rules)
    out = data.identities.assign(identity=data.identities["kind"] + ":" + data.identities["value"])
    dated = out["person_id"].map(_organizations_text(affiliations)).astype(object)
    own = affiliations[affiliations["identity"] != ""].drop_duplicates("identity")
    own_text = (own["organization"].astype(str) + " (" + own["source"] + ")").set_axis(
        own["identity"]
    )
    mine = out["identity"].map(own_text).astype(object)
    texts = []
    for first, second in zip(dated, mine, strict=True):
        present = isinstance(first, str)
        if isinstance(second, str):
            second = ("else " if present else "") + second
        texts.append("; ".join(t for t in (first, second) if isinstance(t, str)) or "unknown")
    out["organizations"] = texts
    return out[IDENTITY_COLUMNS].reset_index(drop=True)


def people_table(
    source: Engine | PeopleData,
    rules: AffiliationRules,
    contributions: pd.DataFrame | None = None,
    today: pd.Timestamp | None = None,
    affiliations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per person: name, actor, logins and e-mails, today's organization and its
    source, and their contributions of every kind (from `contributions`, when given)."""
    data = _data(source, rules)
    identities = data.identities
    if identities.empty:
        return pd.DataFrame(columns=PEOPLE_COLUMNS)
    if affiliations is None:
        affiliations = affiliations_table(data, rules)
    frame = pd.DataFrame({"person_id": sorted(identities["person_id"].unique())})
    frame["name"] = frame["person_id"].map(_names(data))
    frame["actor"] = frame["person_id"].map(data.actors).astype(object).fillna("human")

    def joined(kind: str) -> pd.Series:
        part = identities[identities["kind"] == kind]
        values = part.groupby("person_id")["value"].agg(lambda v: ", ".join(sorted(v)))
        return frame["person_id"].map(values).astype(object).fillna("")

    frame["logins"] = joined("github")
    frame["emails"] = joined("email")
    frame["identities"] = frame["person_id"].map(identities.groupby("person_id").size())
    current = current_organizations(affiliations, today)
    organization = frame["person_id"].map(current["organization"]).astype(object)
    frame["organization"] = organization.fillna("unknown")
    frame["affiliation_source"] = frame["person_id"].map(current["source"]).astype(object)
    frame["affiliation_source"] = frame["affiliation_source"].fillna("")
    counts = pd.Series(dtype="int64")
    if contributions is not None and len(contributions):
        counts = contributions.groupby("person_id").size()
    frame["contributions"] = frame["person_id"].map(counts).fillna(0).astype("int64")
    return frame[PEOPLE_COLUMNS]


def current_organizations(
    affiliations: pd.DataFrame, today: pd.Timestamp | None = None
) -> pd.DataFrame:
    """person_id -> organization and source today (from :func:`affiliations_table`): the
    winning dated affiliation covering today, else the domain rule of the person's most
    telling address (a company domain over a generic one)."""
    day = (today or pd.Timestamp.now("UTC")).tz_localize(None).normalize()
    columns = ["organization", "source"]
    by_domain = affiliations[affiliations["identity"] != ""]
    telling = by_domain.assign(rank=(by_domain["source"] == "e-mail domain rule").astype(int))
    telling = telling.sort_values(["person_id", "rank"], kind="stable")
    best = telling.drop_duplicates("person_id", keep="last").set_index("person_id")[columns]
    dated = affiliations[affiliations["identity"] == ""]
    starts, ends = pd.to_datetime(dated["from"]), pd.to_datetime(dated["to"])
    covering = dated[(starts.isna() | (starts <= day)) & (ends.isna() | (ends >= day))]
    winners = covering.drop_duplicates("person_id", keep="last").set_index("person_id")[columns]
    return pd.concat([best[~best.index.isin(winners.index)], winners])


def people_views(
    engine: Engine, rules: AffiliationRules, contributions: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """people, identities and affiliations tables, reading the people tables once."""
    data = PeopleData.load(engine, rules)
    affiliations = affiliations_table(data, rules)
    return {
        "people": people_table(data, rules, contributions, affiliations=affiliations),
        "identities": identities_table(data, rules, affiliations),
        "affiliations": affiliations,
    }


def current_people_tables(
    engine: Engine, rules: AffiliationRules, frames: Frames
) -> dict[str, pd.DataFrame]:
    """The People page's tables of the data version `frames` stand for: people, identities,
    affiliations and merge suggestions, computed once and kept with the frames' results (a
    curation decision is a new data version: the tables follow at once)."""
    from ospo_metrics.people.suggestions import suggest, suggestions_table
    from ospo_metrics.read.memo import computed

    def make() -> dict[str, pd.DataFrame]:
        tables = people_views(engine, rules, frames.contributions)
        tables["suggestions"] = suggestions_table(suggest(engine, rules.bots, limit=200))
        return tables

    return computed(frames, ("people_tables",), make)


def excluded_table(frames: Frames) -> pd.DataFrame:
    """`kpis.contributors.excluded_contributions` (what people KPIs leave out) of these
    frames, computed once per data version and scope."""
    from kpis.contributors import excluded_contributions
    from ospo_metrics.read.memo import computed

    return computed(frames, ("excluded",), lambda: excluded_contributions(frames))


def contributors_by_kind_table(frames: Frames, period: str) -> pd.DataFrame:
    """`kpis.contributors.contributors_by_kind` of these frames, computed once per data
    version, scope and period (shared: derive, never modify)."""
    from kpis.contributors import contributors_by_kind
    from ospo_metrics.read.memo import computed

    return computed(
        frames, ("contributors_by_kind", period), lambda: contributors_by_kind(frames, period)
    )


def contributions_by_kind(contributions: pd.DataFrame | None, person_id: int) -> pd.Series:
    """kind -> number of the person's contributions (commit, co-authored commit, ...)."""
    if contributions is None or contributions.empty:
        return pd.Series(dtype="int64")
    mine = contributions[contributions["person_id"] == person_id]
    return mine.groupby("kind").size().sort_values(ascending=False)
