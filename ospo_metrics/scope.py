"""Scopes name a set of repositories: `all`, `org:LOGIN`, `repo:OWNER/NAME` or `group:NAME`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ospo_metrics.config import glob_match

SCOPE_KINDS = ("all", "org", "repo", "group")


class ScopeError(ValueError):
    pass


def parse_scope(scope: str) -> tuple[str, str]:
    kind, _, value = scope.partition(":")
    if kind == "all" and not value:
        return "all", ""
    if kind not in SCOPE_KINDS or not value:
        raise ScopeError(
            f"unknown scope {scope!r}: use all, org:LOGIN, repo:OWNER/NAME or group:NAME"
        )
    return kind, value


def repositories_in_scope(
    scope: str, repositories: Iterable[str], groups: Mapping[str, Sequence[str]]
) -> set[str]:
    """The repository full names a scope covers (globs in groups allowed, case-insensitive)."""
    kind, value = parse_scope(scope)
    names = list(repositories)
    if kind == "all":
        return set(names)
    if kind == "org":
        return {n for n in names if n.lower().startswith(value.lower() + "/")}
    if kind == "repo":
        return {n for n in names if n.lower() == value.lower()}
    if value not in groups:
        raise ScopeError(f"unknown group {value!r}; groups in the config: {', '.join(groups)}")
    return {n for n in names if any(glob_match(p, n) for p in groups[value])}
