"""Who may open the dashboard: the allowlist of e-mail addresses and domains.

Sign-in itself is Streamlit's built-in OpenID Connect (`st.login`, the `[auth]` table of
`.streamlit/secrets.toml`: Google, Microsoft Entra, Okta, Auth0, Keycloak, GitHub through an
OIDC broker, ...). Which signed-in people may see the data is this module's rule, read from
the `[access]` table of the same file:

```toml
[access]
allowed_emails = ["ana@example.com"]
allowed_domains = ["example.com"]     # anyone@example.com (not anyone@sub.example.com)
```

- Neither `[auth]` nor `[access]`: no login (the local default; the dashboard listens on
  127.0.0.1 only).
- `[access]` without `[auth]`: the dashboard refuses to show anything and says how to set up
  sign-in (failing closed: an allowlist means data is not for everyone).
- `[auth]`: sign-in is required, and only allowlisted addresses get in; an empty allowlist lets
  nobody in. An address the provider says is not verified (`email_verified: false`) is refused.

Pure functions over plain mappings, so the rule is tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class AccessConfigError(ValueError):
    """The `[access]` table is malformed; the message says which key and why."""


@dataclass(frozen=True)
class AccessPolicy:
    login_configured: bool  # `[auth]` exists in the secrets
    allowed_emails: frozenset[str]
    allowed_domains: frozenset[str]
    restricted: bool  # an `[access]` table exists

    @property
    def login_required(self) -> bool:
        return self.login_configured or self.restricted

    def allows(self, email: object, email_verified: object = None) -> bool:
        """True when the signed-in address may see the dashboard."""
        if not isinstance(email, str) or "@" not in email or email_verified is False:
            return False
        address = email.strip().lower()
        domain = address.rsplit("@", 1)[1]
        return address in self.allowed_emails or domain in self.allowed_domains


def access_policy(secrets: Mapping[str, Any]) -> AccessPolicy:
    """The policy the secrets describe (`auth` and `access` tables)."""
    access = secrets.get("access")
    if access is not None and not isinstance(access, Mapping):
        raise AccessConfigError("[access] must be a table (allowed_emails, allowed_domains)")
    access = access or {}
    unknown = sorted(set(access) - {"allowed_emails", "allowed_domains"})
    if unknown:
        raise AccessConfigError(
            f"[access] has unknown keys {', '.join(unknown)} (allowed: allowed_emails, "
            "allowed_domains)"
        )
    emails = _lowered(access, "allowed_emails")
    domains = _lowered(access, "allowed_domains")
    for email in emails:
        if email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
            raise AccessConfigError(f"[access] allowed_emails: {email!r} is not an e-mail address")
    for domain in domains:
        if "@" in domain or "." not in domain or domain.startswith("."):
            raise AccessConfigError(
                f"[access] allowed_domains: {domain!r} is not a domain (write example.com)"
            )
    auth = secrets.get("auth")
    return AccessPolicy(
        login_configured=isinstance(auth, Mapping) and bool(auth),
        allowed_emails=frozenset(emails),
        allowed_domains=frozenset(domains),
        restricted="access" in secrets,
    )


def _lowered(table: Mapping[str, Any], key: str) -> list[str]:
    values = table.get(key, [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise AccessConfigError(f"[access] {key} must be a list of strings")
    return [v.strip().lower() for v in values if v.strip()]
