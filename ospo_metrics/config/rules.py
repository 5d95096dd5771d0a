"""Cross-field rules, run on the raw data so they are reported with the type errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import (
    TypeAdapter,
    ValidationError,
)

from ospo_metrics.config.compliance import compliance_issues
from ospo_metrics.config.fields import (
    _SCOPE_RE,
    Loc,
)

# --------------------------------------------------------------------------- cross-field rules
# These run on plain data (the YAML as parsed, or a model dump) and must tolerate wrong types:
# whatever is malformed is skipped here because pydantic already reports it.

_DATE = TypeAdapter(dt.date)


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        return None


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _cross_field_issues(data: Any) -> list[tuple[Loc, str]]:
    if not isinstance(data, dict):
        return []
    issues = list(_repository_issues(data.get("repositories")))
    affiliation = data.get("affiliation")
    if isinstance(affiliation, dict):
        issues += _people_issues(affiliation.get("people"))
    issues += _objective_issues(data)
    issues += compliance_issues(data)
    return issues


def _repository_issues(repositories: Any) -> Iterator[tuple[Loc, str]]:
    for i, item in _items(repositories):
        given = [k for k in ("path", "url", "github") if item.get(k) is not None]
        if not given:
            yield ("repositories", i), "needs exactly one of `path`, `url` or `github`"
        elif len(given) > 1:
            yield (
                ("repositories", i),
                f"give only one of `path`, `url` or `github` (found {', '.join(given)})",
            )


def _people_issues(people: Any) -> Iterator[tuple[Loc, str]]:
    for i, person in _items(people):
        loc: Loc = ("affiliation", "people", i)
        if person.get("login") is None and not person.get("emails"):
            yield loc, "a person needs a `login` or at least one address in `emails`"
        periods: list[tuple[int, dt.date, dt.date]] = []
        for j, employment in _items(person.get("employments")):
            start, end = _as_date(employment.get("from")), _as_date(employment.get("to"))
            if start is None or (employment.get("to") is not None and end is None):
                continue
            if end is not None and end < start:
                yield (*loc, "employments", j, "to"), f"`to` ({end}) is before `from` ({start})"
                continue
            last = end or dt.date.max
            for k, other_start, other_end in periods:
                if start <= other_end and other_start <= last:
                    shown = "" if other_end == dt.date.max else str(other_end)
                    yield (
                        (*loc, "employments", j),
                        f"overlaps employments[{k}] ({other_start} to {shown or 'now'}); "
                        "employment periods must not overlap",
                    )
                    break
            periods.append((j, start, last))


def _objective_issues(data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    groups = data.get("groups") if data.get("groups") is not None else {}
    organizations = data.get("organizations") or []
    orgs = (
        {o.lower() for o in organizations if isinstance(o, str)}
        if isinstance(organizations, list)
        else None
    )
    seen: dict[str, int] = {}
    for i, objective in _items(data.get("objectives")):
        loc: Loc = ("objectives", i)
        oid = objective.get("id")
        if isinstance(oid, str):
            oid = oid.strip()
            if oid in seen:
                yield (*loc, "id"), f"duplicate id {oid!r} (also used by objectives[{seen[oid]}])"
            else:
                seen[oid] = i
        scope = objective.get("scope")
        match = _SCOPE_RE.fullmatch(scope.strip()) if isinstance(scope, str) else None
        kind, value = (match["kind"], match["value"]) if match else (None, "")
        if kind == "group" and isinstance(groups, dict) and value not in groups:
            known = ", ".join(sorted(map(str, groups))) or "none defined"
            yield (
                (*loc, "scope"),
                f"unknown group {value!r}; define it under `groups:` (known: {known})",
            )
        if kind == "org" and orgs is not None and value.lower() not in orgs:
            yield (
                (*loc, "scope"),
                f"organization {value!r} is not listed under `organizations:`",
            )
        baseline = objective.get("baseline")
        baseline_date = _as_date(baseline.get("date")) if isinstance(baseline, dict) else None
        start, due = _as_date(objective.get("start")), _as_date(objective.get("due"))
        if due is not None and start is not None and due <= start:
            yield (*loc, "due"), f"`due` ({due}) must be after `start` ({start})"
        elif due is not None and start is None and baseline_date and due <= baseline_date:
            yield (
                (*loc, "due"),
                f"`due` ({due}) must be after the baseline date ({baseline_date})",
            )


def _known_kpis() -> set[str] | None:
    """KPI ids from the KPI registry, or None when it cannot be consulted (then any id passes).

    Imported lazily: the registry may pull in heavy dependencies, and the config must stay
    loadable on its own (e.g. for `--help`-time validation) even while `kpis` is broken.
    """
    try:
        from kpis import REGISTRY
    except ImportError:
        return None
    known = {str(k) for k in REGISTRY}
    # An empty registry means registration has not happened, not that no KPI is valid.
    return known or None
