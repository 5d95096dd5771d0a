"""Which organization a contribution counts for, on the date it was made.

Order of evidence: an explicit, dated employment (configuration, import, curation, organization
membership) wins; otherwise the e-mail domain decides: a generic address (gmail, GitHub
noreply, ...) -> "Independent", whatever else is configured, because such an address says
nothing about an employer; one of our domains -> our organization; a mapped domain -> that
company; any other domain -> the domain itself. Bots and AI agents belong to no organization.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from kpis.schema import AI_AGENT_ORGANIZATION, BOT_ORGANIZATION, INDEPENDENT, UNKNOWN
from ospo_metrics.config import BUILTIN_GENERIC_DOMAINS, glob_match
from ospo_metrics.people.bots import AI_AGENT, BOT, BotRules
from ospo_metrics.people.identity import email_domain

# Where an organization comes from, besides a dated affiliation's own source (config,
# org_membership, curation, import:...): kpis.contributions treats the last two as no evidence.
SOURCE_DOMAIN = "email domain"
SOURCE_GENERIC = "generic address"
SOURCE_UNKNOWN = "unknown"
SOURCE_CONFIG = "config"

__all__ = [
    "AI_AGENT_ORGANIZATION",
    "BOT_ORGANIZATION",
    "INDEPENDENT",
    "UNKNOWN",
    "AffiliationRules",
    "actor_organizations",
    "affiliate",
    "assign_affiliations",
    "assign_organizations",
    "best_emails",
]


def _matches(domain: str, candidates: Iterable[str]) -> str | None:
    """The most specific candidate that is `domain` or a parent domain of it (candidates may
    be globs): `emea.redhat.com` wins over `redhat.com`."""
    hits = [c for c in candidates if glob_match(c, domain) or glob_match("*." + c, domain)]
    return max(hits, key=len) if hits else None


@dataclass(frozen=True)
class AffiliationRules:
    """How a contribution is attributed: to which organization, and whether its author is a
    bot or an AI agent (`bots`, the one bot rule), which belong to none."""

    organization: str | None = None
    employee_domains: tuple[str, ...] = ()
    generic_domains: tuple[str, ...] = BUILTIN_GENERIC_DOMAINS
    domain_organizations: Mapping[str, str] = field(default_factory=dict)
    bots: BotRules = field(default_factory=BotRules)

    @classmethod
    def build(
        cls,
        organization: str | None,
        employee_domains: Iterable[str] = (),
        extra_generic_domains: Iterable[str] = (),
        domain_organizations: Mapping[str, str] | None = None,
        bots: BotRules | None = None,
    ) -> AffiliationRules:
        return cls(
            organization=organization,
            employee_domains=tuple(d.lower() for d in employee_domains),
            generic_domains=(*BUILTIN_GENERIC_DOMAINS, *(d.lower() for d in extra_generic_domains)),
            domain_organizations={k.lower(): v for k, v in (domain_organizations or {}).items()},
            bots=bots or BotRules(),
        )

    def organization_for_email(self, email: str | None) -> str:
        return self.affiliation_for_email(email)[0]

    def affiliation_for_email(self, email: str | None) -> tuple[str, str]:
        """(organization, source) that an e-mail address says: source `email domain`,
        `generic address` (free-mail, noreply: says nothing) or `unknown` (no usable address)."""
        return self.affiliation_for_domain(email_domain(email or ""))

    def affiliation_for_domain(self, domain: str) -> tuple[str, str]:
        """What an address at `domain` (normalized, as `email_domain` gives it) says."""
        if not domain or "." not in domain:
            return UNKNOWN, SOURCE_UNKNOWN
        # Generic first: `email_domains: [github.com]` must not make every
        # users.noreply.github.com address an employee's.
        if _matches(domain, self.generic_domains):
            return INDEPENDENT, SOURCE_GENERIC
        if self.organization and _matches(domain, self.employee_domains):
            return self.organization, SOURCE_DOMAIN
        mapped = _matches(domain, self.domain_organizations)
        if mapped:
            return self.domain_organizations[mapped], SOURCE_DOMAIN
        return domain, SOURCE_DOMAIN


def _email_affiliations(
    addresses: pd.Series, rules: AffiliationRules
) -> tuple[pd.Series, pd.Series]:
    """(organization, source) of each row's address, as text columns.

    Only the domain decides, so each distinct domain (a few hundred) is judged once, not each
    address (tens of thousands) or row (millions); the columns are taken from the few answers
    in Arrow, without a Python object per row.
    """
    codes, unique_addresses = pd.factorize(addresses)
    by_domain: dict[str, tuple[str, str]] = {}
    answers = []
    for address in unique_addresses:
        domain = email_domain(address)
        if domain not in by_domain:
            by_domain[domain] = rules.affiliation_for_email(address)
        answers.append(by_domain[domain])
    answers.append((UNKNOWN, SOURCE_UNKNOWN))  # code -1: no address
    positions = pa.array(np.where(codes < 0, len(answers) - 1, codes))
    columns = []
    for part in (0, 1):
        values = pa.array([answer[part] for answer in answers], pa.string()).take(positions)
        columns.append(pd.Series(values.to_pandas(), index=addresses.index))
    return columns[0], columns[1]


def assign_affiliations(
    frame: pd.DataFrame,
    employments: pd.DataFrame,
    rules: AffiliationRules,
    *,
    person: str,
    email: str,
    when: str,
) -> tuple[pd.Series, pd.Series]:
    """The organization of each row's person on the row's date, and where it comes from.

    `employments` has columns person_id, organization, valid_from, valid_to (dates, None =
    open) and optionally source, in the order they apply: a later row wins where two cover the
    same day. Rows no employment covers fall back to the e-mail address's rule.
    """
    organization, source = _email_affiliations(frame[email], rules)
    if employments.empty or frame.empty:
        return organization, source
    plan = employments.reset_index(drop=True)
    plan = plan.assign(order=np.arange(len(plan)), source=plan.get("source", SOURCE_CONFIG))
    plan["valid_from"] = pd.to_datetime(plan["valid_from"])
    plan["valid_to"] = pd.to_datetime(plan["valid_to"])
    days = frame[when].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    rows = pd.DataFrame(
        {
            "row": np.arange(len(frame)),
            "person_id": pd.to_numeric(frame[person], errors="coerce").to_numpy(),
            "day": days.to_numpy(),
        }
    )
    rows = rows[rows["person_id"].isin(plan["person_id"])]
    covered = rows.merge(plan, on="person_id")
    applies = covered["valid_from"].isna() | (covered["day"] >= covered["valid_from"])
    applies &= covered["valid_to"].isna() | (covered["day"] <= covered["valid_to"])
    winners = covered[applies].sort_values("order").drop_duplicates("row", keep="last")
    positions = winners["row"].to_numpy()
    organization.iloc[positions] = winners["organization"].to_numpy()
    source.iloc[positions] = winners["source"].to_numpy()
    return organization, source


def assign_organizations(
    frame: pd.DataFrame,
    employments: pd.DataFrame,
    rules: AffiliationRules,
    *,
    person: str,
    email: str,
    when: str,
) -> pd.Series:
    """The organization of each row's person on the row's date (see assign_affiliations)."""
    return assign_affiliations(frame, employments, rules, person=person, email=email, when=when)[0]


def affiliate(
    frame: pd.DataFrame,
    employments: pd.DataFrame,
    rules: AffiliationRules,
    *,
    person: str,
    email: str,
    when: str,
    actor: pd.Series,
) -> pd.DataFrame:
    """Columns organization, is_employee and affiliation_source for each row of `frame`.

    Bots and AI agents (`actor`) belong to no organization and are nobody's employees.
    """
    organization, source = assign_affiliations(
        frame, employments, rules, person=person, email=email, when=when
    )
    organization = actor_organizations(organization, actor)
    machine = actor.isin([BOT, AI_AGENT]).to_numpy()
    source = source.mask(machine, actor)
    is_ours = (organization == rules.organization) if rules.organization else False
    return pd.DataFrame(
        {
            "organization": organization,
            "is_employee": pd.Series(is_ours, index=frame.index, dtype=bool),
            "affiliation_source": source,
        },
        index=frame.index,
    )


def best_emails(identities: pd.DataFrame, rules: AffiliationRules) -> pd.Series:
    """person_id -> the e-mail address that says most about the person's employer.

    GitHub accounts carry no address on an issue or a comment: the person's known addresses
    stand in. Ours first, then a mapped or other company domain; free-mail and noreply
    addresses say nothing and are not used.
    """
    emails = identities[identities["kind"] == "email"]
    if emails.empty:
        return pd.Series(dtype=object)
    # Judged once per distinct domain (a verdict depends only on the domain): thousands of
    # addresses share a few hundred domains at a large OSPO's size.
    domains = [email_domain(value or "") for value in emails["value"]]
    judged = {d: rules.affiliation_for_domain(d) for d in set(domains)}
    verdicts = [judged[d] for d in domains]
    ranked = emails.assign(
        ours=[org == rules.organization for org, _ in verdicts],
        source=[src for _, src in verdicts],
    )
    ranked = ranked[ranked["source"] == SOURCE_DOMAIN]
    ranked = ranked.sort_values(["person_id", "ours"], ascending=[True, False], kind="stable")
    return ranked.drop_duplicates("person_id").set_index("person_id")["value"]


def actor_organizations(organization: pd.Series, actor: pd.Series) -> pd.Series:
    """Organizations with bots' and AI agents' rows replaced: they belong to none."""
    out = organization.mask(actor.to_numpy() == BOT, BOT_ORGANIZATION)
    return out.mask(actor.to_numpy() == AI_AGENT, AI_AGENT_ORGANIZATION)
