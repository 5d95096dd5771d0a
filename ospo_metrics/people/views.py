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

import pandas as pd
from sqlalchemy import Engine

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


def _names(engine: Engine, identities: pd.DataFrame) -> pd.Series:
    """person_id -> the name most of their identities were seen with."""
    seen = load_appearances(engine).dropna(subset=["name"])
    seen = seen[seen["name"].str.strip() != ""]
    if seen.empty:
        return pd.Series(dtype=object)
    counts = seen.groupby(["person_id", "name"]).size().reset_index(name="n")
    counts = counts.sort_values(["person_id", "n", "name"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")["name"]


def affiliations_table(engine: Engine, rules: AffiliationRules) -> pd.DataFrame:
    """Every dated affiliation with its source, then each e-mail address's domain rule (what
    applies on days no dated affiliation covers). Later rows of one person win where dated
    ones overlap (curation over configuration over imports over memberships)."""
    identities = load_identities(engine)
    names = _names(engine, identities)
    dated = load_employments(engine).rename(columns={"valid_from": "from", "valid_to": "to"})
    dated = dated.assign(source=dated["source"].map(source_label), identity="")
    emails = identities[identities["kind"] == "email"]
    rows = []
    for person_id, value in zip(emails["person_id"], emails["value"], strict=True):
        organization, source = rules.affiliation_for_email(value)
        rows.append(
            {
                "person_id": int(person_id),
                "organization": organization,
                "from": None,
                "to": None,
                "source": source_label(source),
                "identity": f"email:{value}",
            }
        )
    frame = pd.concat(
        [dated, pd.DataFrame(rows, columns=[c for c in AFFILIATION_COLUMNS if c != "name"])],
        ignore_index=True,
    )
    if frame.empty:
        return pd.DataFrame(columns=AFFILIATION_COLUMNS)
    frame["person_id"] = frame["person_id"].astype("int64")
    frame["name"] = frame["person_id"].map(names)
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


def identities_table(engine: Engine, rules: AffiliationRules) -> pd.DataFrame:
    """One row per identity: its person, the name it was first seen with, and its
    organizations over time (the person's dated affiliations, else its own domain rule)."""
    identities = load_identities(engine)
    if identities.empty:
        return pd.DataFrame(columns=IDENTITY_COLUMNS)
    affiliations = affiliations_table(engine, rules)
    dated = _organizations_text(affiliations)
    own = affiliations[affiliations["identity"] != ""].set_index("identity")
    out = identities.assign(identity=identities["kind"] + ":" + identities["value"])
    texts = []
    for person_id, identity in zip(out["person_id"], out["identity"], strict=True):
        parts = [dated.get(person_id)] if person_id in dated.index else []
        if identity in own.index:
            row = own.loc[identity]
            word = "else " if parts else ""
            parts.append(f"{word}{row['organization']} ({row['source']})")
        texts.append("; ".join(p for p in parts if p) or "unknown")
    out["organizations"] = texts
    return out[IDENTITY_COLUMNS].reset_index(drop=True)


def people_table(
    engine: Engine,
    rules: AffiliationRules,
    contributions: pd.DataFrame | None = None,
    today: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """One row per person: name, actor, logins and e-mails, today's organization and its
    source, and their contributions of every kind (from `contributions`, when given)."""
    identities = load_identities(engine)
    if identities.empty:
        return pd.DataFrame(columns=PEOPLE_COLUMNS)
    names = _names(engine, identities)
    actors = person_actors(engine, rules.bots)
    grouped = identities.groupby("person_id")
    frame = pd.DataFrame({"person_id": sorted(identities["person_id"].unique())})
    frame["name"] = frame["person_id"].map(names)
    frame["actor"] = frame["person_id"].map(actors).astype(object).fillna("human")

    def joined(kind: str) -> pd.Series:
        part = identities[identities["kind"] == kind]
        values = part.groupby("person_id")["value"].agg(lambda v: ", ".join(sorted(v)))
        return frame["person_id"].map(values).astype(object).fillna("")

    frame["logins"] = joined("github")
    frame["emails"] = joined("email")
    frame["identities"] = frame["person_id"].map(grouped.size()).astype("int64")
    current = current_organizations(engine, rules, today)
    frame["organization"] = (
        frame["person_id"].map(current["organization"]).astype(object).fillna("unknown")
    )
    frame["affiliation_source"] = (
        frame["person_id"].map(current["source"]).astype(object).fillna("")
    )
    counts = pd.Series(dtype="int64")
    if contributions is not None and len(contributions):
        counts = contributions.groupby("person_id").size()
    frame["contributions"] = frame["person_id"].map(counts).fillna(0).astype("int64")
    return frame[PEOPLE_COLUMNS]


def current_organizations(
    engine: Engine, rules: AffiliationRules, today: pd.Timestamp | None = None
) -> pd.DataFrame:
    """person_id -> organization and source today: the winning dated affiliation covering
    today, else the domain rule of the person's most telling address."""
    day = (today or pd.Timestamp.now("UTC")).tz_localize(None).normalize()
    table = affiliations_table(engine, rules)
    out: dict[int, tuple[str, str]] = {}
    rank = {"e-mail domain rule": 1, "generic address": 0}
    for row in table[table["identity"] != ""].itertuples():
        best = out.get(row.person_id)
        if best is None or rank.get(row.source, 0) > rank.get(best[1], 0):
            out[row.person_id] = (row.organization, row.source)
    dated = table[table["identity"] == ""]
    starts = pd.to_datetime(dated["from"])
    ends = pd.to_datetime(dated["to"])
    covering = dated[(starts.isna() | (starts <= day)) & (ends.isna() | (ends >= day))]
    for row in covering.itertuples():  # in order: a later row wins
        out[row.person_id] = (row.organization, row.source)
    return pd.DataFrame.from_dict(out, orient="index", columns=["organization", "source"])


def contributions_by_kind(contributions: pd.DataFrame | None, person_id: int) -> pd.Series:
    """kind -> number of the person's contributions (commit, co-authored commit, ...)."""
    if contributions is None or contributions.empty:
        return pd.Series(dtype="int64")
    mine = contributions[contributions["person_id"] == person_id]
    return mine.groupby("kind").size().sort_values(ascending=False)
