"""Rate-limit bookkeeping: what GitHub's headers say is left, and what to do when it runs out.

GitHub keeps separate budgets per resource (`core` for REST, `search`, `graphql`) and tells
the client in `X-RateLimit-Remaining/Reset/Resource` on every answer. The policy comes from the
configuration: `wait` sleeps until the reset (never longer than `max_wait_seconds`, and with a
visible message), `stop` raises :class:`RateLimitStop` so the run ends cleanly and can resume.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from collectors.github.errors import RateLimitStop

log = logging.getLogger("ospo_metrics.github")

# GitHub's advice for a secondary limit without Retry-After: wait at least a minute.
SECONDARY_DEFAULT_WAIT = 60.0
# Added to every computed wait: reset times are whole seconds and clocks drift a little.
RESET_MARGIN = 1.0


@dataclass
class Budget:
    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds


@dataclass
class RateLimiter:
    """Tracks the budgets and applies the wait/stop policy with injectable sleep and clock."""

    on_rate_limit: str = "wait"  # wait | stop
    max_wait_seconds: float = 3600.0
    sleep: Callable[[float], None] = lambda seconds: None
    clock: Callable[[], float] = lambda: 0.0
    notify: Callable[[str], None] | None = None
    budgets: dict[str, Budget] = field(default_factory=dict)
    waited_seconds: float = 0.0

    def observe(self, headers: Mapping[str, str], default_resource: str) -> None:
        resource = headers.get("X-RateLimit-Resource") or default_resource
        budget = self.budgets.setdefault(resource, Budget())
        for attribute, header in (
            ("limit", "X-RateLimit-Limit"),
            ("remaining", "X-RateLimit-Remaining"),
            ("reset", "X-RateLimit-Reset"),
        ):
            value = headers.get(header)
            if value is not None and value.strip().lstrip("-").isdigit():
                setattr(budget, attribute, int(value))

    def before_request(self, resource: str) -> None:
        """Wait (or stop) before sending when the last answer said nothing is left."""
        budget = self.budgets.get(resource)
        if budget and budget.remaining == 0 and budget.reset and budget.reset > self.clock():
            self.exhausted(resource, budget.reset)

    def exhausted(self, resource: str, reset: float | None) -> None:
        """The primary limit of `resource` is used up: wait for the reset, or stop."""
        budget = self.budgets.setdefault(resource, Budget())
        budget.remaining = 0
        if reset:
            budget.reset = reset
        if self.on_rate_limit != "wait":
            raise RateLimitStop(resource, reset, "github.on_rate_limit is 'stop'")
        delay = max(0.0, (reset or self.clock()) - self.clock()) + RESET_MARGIN
        if delay > self.max_wait_seconds:
            raise RateLimitStop(
                resource,
                reset,
                f"waiting {delay:.0f} s would exceed github.max_wait_seconds "
                f"({self.max_wait_seconds:.0f} s)",
            )
        when = datetime.fromtimestamp(self.clock() + delay, UTC).strftime("%H:%M:%S UTC")
        self._wait(
            delay, f"GitHub {resource} rate limit exhausted: waiting {delay:.0f} s until {when}"
        )
        budget.remaining = None  # unknown until the next answer says

    def secondary(self, resource: str, retry_after: float | None, attempt: int) -> None:
        """A secondary (abuse) limit: honour Retry-After, else back off from one minute."""
        delay = retry_after if retry_after is not None else SECONDARY_DEFAULT_WAIT * 2**attempt
        if delay > self.max_wait_seconds:
            raise RateLimitStop(
                resource,
                self.clock() + delay,
                f"secondary rate limit asks for {delay:.0f} s, more than "
                f"github.max_wait_seconds ({self.max_wait_seconds:.0f} s)",
            )
        self._wait(delay, f"GitHub secondary rate limit ({resource}): retrying in {delay:.0f} s")

    def _wait(self, delay: float, message: str) -> None:
        log.warning(message)
        if self.notify:
            self.notify(message)
        self.waited_seconds += delay
        self.sleep(delay)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
