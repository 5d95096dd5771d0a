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

import pandas as pd

from kpis.schema import AI_AGENT_ORGANIZATION, BOT_ORGANIZATION, INDEPENDENT, UNKNOWN
from ospo_metrics.config import BUILTIN_GENERIC_DOMAINS, glob_match
from ospo_metrics.people.bots import AI_AGENT, BOT, BotRules
from ospo_metrics.people.identity import email_domain

__all__ = [
    "AI_AGENT_ORGANIZATION",
    "BOT_ORGANIZATION",
    "INDEPENDENT",
    "UNKNOWN",
    "AffiliationRules",
    "actor_organizations",
    "assign_organizations",
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
        domain = email_domain(email or "")
        if not domain or "." not in domain:
            return UNKNOWN
        # Generic first: `email_domains: [github.com]` must not make every
        # users.noreply.github.com address an employee's.
        if _matches(domain, self.generic_domains):
            return INDEPENDENT
        if self.organization and _matches(domain, self.employee_domains):
            return self.organization
        mapped = _matches(domain, self.domain_organizations)
        if mapped:
            return self.domain_organizations[mapped]
        return domain


def assign_organizations(
    frame: pd.DataFrame,
    employments: pd.DataFrame,
    rules: AffiliationRules,
    *,
    person: str,
    email: str,
    when: str,
) -> pd.Series:
    """The organization of each row's person on the row's date.

    `employments` has columns person_id, organization, valid_from, valid_to (dates, None = open).
    """
    by_email = {e: rules.organization_for_email(e) for e in frame[email].dropna().unique()}
    # A lookup with a default, not map+fillna: a column of only missing emails is float, and a
    # float column cannot be filled with a name.
    result = frame[email].map(lambda value: by_email.get(value, UNKNOWN)).astype(object)
    if employments.empty or frame.empty:
        return result
    days = frame[when].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    for row in employments.itertuples(index=False):
        covered = frame[person] == row.person_id
        if pd.notna(row.valid_from):
            covered &= days >= pd.Timestamp(row.valid_from)
        if pd.notna(row.valid_to):
            covered &= days <= pd.Timestamp(row.valid_to)
        result[covered] = row.organization
    return result


def actor_organizations(organization: pd.Series, actor: pd.Series) -> pd.Series:
    """Organizations with bots' and AI agents' rows replaced: they belong to none."""
    out = organization.mask(actor.to_numpy() == BOT, BOT_ORGANIZATION)
    return out.mask(actor.to_numpy() == AI_AGENT, AI_AGENT_ORGANIZATION)
