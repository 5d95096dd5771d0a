"""Moved to :mod:`ospo_metrics.people.affiliation` (kept so existing imports keep working)."""

from ospo_metrics.people.affiliation import (
    INDEPENDENT,
    UNKNOWN,
    AffiliationRules,
    assign_organizations,
)

__all__ = ["INDEPENDENT", "UNKNOWN", "AffiliationRules", "assign_organizations"]
