"""Moved to :mod:`ospo_metrics.people.identity` (kept so existing imports keep working)."""

from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.identity import (
    NOREPLY_RE,
    email_domain,
    identity_key,
    normalize_email,
    normalize_name,
)

__all__ = [
    "NOREPLY_RE",
    "BotRules",
    "email_domain",
    "identity_key",
    "normalize_email",
    "normalize_name",
]
