"""Secrets out of every message: tokens, passwords and secret-looking URL parts are masked.

Any text that is printed, logged, stored (`collection_runs.error`) or shown on a page goes
through :func:`redact` first. It masks:

- every secret registered in this process (:func:`register_secret`): the GitHub token once it
  is read, the database password, the string values of `.streamlit/secrets.toml`;
- anything shaped like a GitHub token (`ghp_…`, `github_pat_…`, …) or an `Authorization`
  value, even one never registered (a server may echo a token we did not send);
- the password of a URL (`scheme://user:password@host`) and the value of every URL query
  parameter whose name looks secret (`?password=`, `&access_token=`, `sig=`, …).

Registered secrets live only in this process's memory; they are never written anywhere.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"
MIN_SECRET_LENGTH = 8  # shorter values would mask ordinary words ("secret", "postgres")

_lock = threading.Lock()
_secrets: set[str] = set()

_TOKEN_RE = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|v1\.[0-9a-f]{40})\b"
)
_AUTH_RE = re.compile(r"(?i)\b(authorization:\s*|bearer\s+|token\s+)([A-Za-z0-9._~+/=-]{16,})")
_URL_PASSWORD_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)([^@\s/]+)(@)")
# name=value pairs whose name looks secret, in a URL query or a libpq/DSN string.
SECRET_PARAM = re.compile(
    r"(?i)^(?:.*[_-])?(?:password|passwd|pwd|pass|secret|token|key|apikey|api_key|sig|signature|"
    r"credentials?|auth|sslpassword|client_secret|access_token|refresh_token)$"
)
_PARAM_RE = re.compile(r"(?i)([?&;\s]|^)([a-z0-9_.-]+)=([^&\s#;]*)")


def register_secret(value: str | None) -> None:
    """Mask `value` in every message from now on (ignored when empty or too short)."""
    if value and len(value.strip()) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value.strip())


def registered_secrets() -> frozenset[str]:
    with _lock:
        return frozenset(_secrets)


def redact(text: object) -> str:
    """`text` as a string with every secret masked (see the module docstring)."""
    out = str(text)
    for secret in sorted(registered_secrets(), key=len, reverse=True):
        out = out.replace(secret, MASK)
    out = _TOKEN_RE.sub(MASK, out)
    out = _AUTH_RE.sub(lambda m: m.group(1) + MASK, out)
    out = _URL_PASSWORD_RE.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    return _PARAM_RE.sub(_mask_param, out)


def _mask_param(match: re.Match[str]) -> str:
    lead, name, value = match.groups()
    if value and value != MASK and SECRET_PARAM.match(name):
        return f"{lead}{name}={MASK}"
    return match.group(0)


def safe_url(url: str) -> str:
    """A URL fit to show: no password, secret-looking query parameters masked.

    Done on the text (not by parsing and rebuilding, which would turn `sqlite:////abs/path`
    into another URL): the password between `:` and `@`, and secret parameters' values.
    """
    return redact(url)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's message (its arguments already merged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


OUR_LOGGERS = ("ospo_metrics", "ospo_metrics.github", "ospo_metrics.git", "collectors")


def install_log_filter() -> None:
    """Redact every record of our loggers (idempotent).

    A logger's filters do not apply to its children's records, so each logger of ours that
    exists gets one.
    """
    names = set(OUR_LOGGERS) | {
        name
        for name in list(logging.root.manager.loggerDict)
        if name.startswith(("ospo_metrics.", "collectors."))
    }
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
