"""Names a user types on the command line (`--repo`, `--scope`) checked against what exists.

A repository or organization that does not exist is an error that says so and suggests close
names, never an empty "nothing to collect" or "no data yet" with exit code 0.
"""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ospo_metrics.context import Context
from ospo_metrics.models import Repository
from ospo_metrics.scope import ScopeError, parse_scope


def stored_repositories(context: Context) -> list[str]:
    with Session(context.engine) as session:
        return sorted(set(session.scalars(select(Repository.full_name))))


def configured_targets(context: Context) -> list[str]:
    """What `collect --repo` accepts: configured repositories, organizations, `upstream`."""
    config = context.config
    names = [entry.full_name for entry in config.repositories]
    return [*names, *config.organizations, "upstream"]


def suggestion(value: str, names: list[str]) -> str:
    """ "; did you mean X or Y?" for names close to `value` (case-insensitive), or ""."""
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(value.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        # A bare name (`widget`) matches OWNER/widget.
        close = [n for n in lowered if n.split("/")[-1] == value.lower().split("/")[-1]][:3]
    if not close:
        return ""
    return "; did you mean " + " or ".join(lowered[c] for c in close) + "?"


def check_collect_target(context: Context, only: str | None) -> None:
    """Raise `ScopeError` when `--repo` names nothing configured or listed."""
    if not only:
        return
    known = configured_targets(context) + stored_repositories(context)
    if only.lower() in {name.lower() for name in known}:
        return
    raise ScopeError(
        f"--repo {only}: no such repository or organization in the configuration or in the "
        f"repositories collected so far{suggestion(only, known)} (a new repository of a "
        "configured organization appears after `ospo-metrics collect github`)"
    )


def check_scope(context: Context, scope: str) -> None:
    """Raise `ScopeError` for `repo:X` or `org:X` that matches no stored repository."""
    kind, value = parse_scope(scope)
    if kind not in ("repo", "org"):
        return  # `all`; unknown groups are reported by the scope itself
    names = stored_repositories(context)
    if not names:
        return  # nothing collected yet: the command says so
    if kind == "repo":
        found = value.lower() in {name.lower() for name in names}
        choices = names
    else:
        owners = sorted({name.split("/")[0] for name in names})
        found = value.lower() in {owner.lower() for owner in owners}
        choices = owners
    if not found:
        raise ScopeError(
            f"--scope {scope}: no collected repository matches{suggestion(value, choices)}"
        )
