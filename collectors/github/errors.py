"""Failures of the GitHub collector that callers handle differently from a plain bug.

Every message here is safe to show and to store: it names the environment variable or the
GitHub App a credential came from, never the credential itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from collectors.base import CollectorError


class AuthenticationError(CollectorError):
    """GitHub rejected the credentials (HTTP 401): the whole collection stops."""


class RateLimitStop(CollectorError):
    """A rate limit is exhausted and the policy (or the wait bound) says stop, not wait.

    Raised to end a run cleanly: what was committed stays, and the next run resumes.
    """

    def __init__(self, resource: str, reset_at: float | None, reason: str) -> None:
        self.resource = resource
        self.reset_at = reset_at
        when = (
            datetime.fromtimestamp(reset_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            if reset_at
            else "an unknown time"
        )
        super().__init__(
            f"GitHub {resource} rate limit exhausted ({reason}); it resets at {when}. "
            "The collection stopped cleanly: run it again after the reset to continue."
        )


class RepositoryUnavailable(Exception):
    """A repository answered 404, 410 or 451: deleted, renamed, made private or blocked."""

    REASONS: ClassVar[dict[int, str]] = {
        404: "not found (deleted, renamed or no longer visible to this token)",
        410: "gone (HTTP 410)",
        451: "blocked for legal reasons (HTTP 451)",
    }

    def __init__(self, full_name: str, status: int, detail: str | None = None) -> None:
        self.full_name = full_name
        self.status = status
        base = self.REASONS.get(status, f"unavailable (HTTP {status})")
        self.reason = f"{base}: {detail}" if detail else base
        super().__init__(f"{full_name}: {self.reason}")


class GitHubApiError(CollectorError):
    """An answer the collector cannot use even after retries (e.g. a persistent GraphQL error).

    `status` is the HTTP status when GitHub answered with an error status.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class GitHubUnreachable(GitHubApiError):
    """No answer at all after retries: a network problem or a wrong `github.base_url`."""
