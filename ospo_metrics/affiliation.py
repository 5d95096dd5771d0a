"""Which organization a contribution counts for, on the date it was made.

Order of evidence: an explicit, dated employment from the configuration wins; otherwise the
email domain decides: one of our domains -> our organization, a mapped domain -> that company,
a generic address (gmail, noreply, ...) -> "Independent", any other domain -> the domain itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ospo_metrics.config import BUILTIN_GENERIC_DOMAINS, glob_match
from ospo_metrics.identity import email_domain

INDEPENDENT = "Independent"
UNKNOWN = "Unknown"


def _matches(domain: str, candidates: Iterable[str]) -> str | None:
    """The candidate that is `domain` or a parent domain of it (candidates may be globs)."""
    for candidate in candidates:
        if glob_match(candidate, domain) or glob_match("*." + candidate, domain):
            return candidate
    return None


@dataclass(frozen=True)
class AffiliationRules:
    organization: str | None = None
    employee_domains: tuple[str, ...] = ()
    generic_domains: tuple[str, ...] = BUILTIN_GENERIC_DOMAINS
    domain_organizations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        organization: str | None,
        employee_domains: Iterable[str] = (),
        extra_generic_domains: Iterable[str] = (),
        domain_organizations: Mapping[str, str] | None = None,
    ) -> AffiliationRules:
        return cls(
            organization=organization,
            employee_domains=tuple(d.lower() for d in employee_domains),
            generic_domains=(*BUILTIN_GENERIC_DOMAINS, *(d.lower() for d in extra_generic_domains)),
            domain_organizations={k.lower(): v for k, v in (domain_organizations or {}).items()},
        )

    def organization_for_email(self, email: str | None) -> str:
        domain = email_domain(email or "")
        if not domain or "." not in domain:
            return UNKNOWN
        if self.organization and _matches(domain, self.employee_domains):
            return self.organization
        mapped = _matches(domain, self.domain_organizations)
        if mapped:
            return self.domain_organizations[mapped]
        if _matches(domain, self.generic_domains):
            return INDEPENDENT
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
