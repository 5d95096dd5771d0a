"""The curation decisions as a reviewable YAML file, so they survive a rebuild of the database.

`ospo-metrics people export -o people.yml` writes every decision (merges, splits, rejected
suggestions, affiliations, bot verdicts, imports) by identity keys; keep the file under version
control, review changes to it like code, and `ospo-metrics people import people.yml` applies it
to any database, fresh or not (re-importing changes nothing). The shape::

    version: 1
    same:            # these identities are one person
      - {identity: github:jdoe, with: email:jane@acme.com, source: curation}
    different:       # never one person (a split, or a rejected suggestion)
      - {identity: email:shared@acme.com, with: github:jdoe, reason: split}
    affiliations:    # the person of `identity` belonged to `organization` (dates included)
      - {identity: github:jdoe, organization: Acme, from: 2021-03-01, to: 2024-06-30}
    actors:          # what an account is, whatever the bot rules say
      - {identity: email:ci@acme.com, actor: bot}

Every entry may carry a `note`. A file that does not have this shape is refused with the entry
at fault, before anything is stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ospo_metrics.models import CurationRule
from ospo_metrics.people.bots import ACTORS
from ospo_metrics.people.curation import (
    AFFILIATION,
    BOT,
    CURATION,
    DIFFERENT,
    SAME,
    Curation,
    record_data_change,
)
from ospo_metrics.people.imports import Imported, Rule
from ospo_metrics.people.resolve import Rebuild, key_text, parse_key_text

VERSION = 1
HEADER = (
    "# ospo-metrics people decisions: merges, splits, rejected suggestions, affiliations and\n"
    "# bot verdicts, by identity. Review changes like code; apply with\n"
    "#   ospo-metrics people import FILE\n"
)
SECTIONS = ("same", "different", "affiliations", "actors")


class DecisionsError(ValueError):
    """A decisions file that cannot be applied; the message names the entry."""


def export_decisions(session: Session) -> str:
    """Every curation rule as the YAML text described in the module doc."""
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for rule in session.scalars(select(CurationRule).order_by(CurationRule.id)):
        entry: dict[str, Any] = {"identity": rule.key}
        if rule.kind in (SAME, DIFFERENT):
            entry["with"] = rule.other_key
            if rule.kind == DIFFERENT and rule.value:
                entry["reason"] = rule.value
            section = "same" if rule.kind == SAME else "different"
        elif rule.kind == AFFILIATION:
            entry["organization"] = rule.organization
            if rule.valid_from:
                entry["from"] = rule.valid_from
            if rule.valid_to:
                entry["to"] = rule.valid_to
            section = "affiliations"
        elif rule.kind == BOT:
            entry["actor"] = rule.value
            section = "actors"
        else:  # pragma: no cover - a kind this version does not know is kept out
            continue
        if rule.source != CURATION:
            entry["source"] = rule.source
        if rule.note:
            entry["note"] = rule.note
        sections[section].append(entry)
    body = {"version": VERSION, **sections}
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def _identity(entry: dict, field: str, where: str) -> Any:
    text = entry.get(field)
    key = parse_key_text(str(text)) if text is not None else None
    if key is None:
        raise DecisionsError(
            f"{where}: `{field}` must be an identity such as github:jdoe or email:jane@acme.com"
        )
    return key


def _day(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DecisionsError(f"{where}: {value!r} is not a date like 2024-01-31") from None


def parse_decisions(text: str, name: str = "<decisions>") -> list[tuple[Rule, str, str | None]]:
    """(rule, source, note) for every entry of a decisions file, validated."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DecisionsError(f"{name}: not YAML ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise DecisionsError(f"{name}: not an ospo-metrics decisions file (version: {VERSION})")
    unknown = set(data) - {"version", *SECTIONS}
    if unknown:
        raise DecisionsError(f"{name}: unknown section {sorted(unknown)[0]!r}")
    out = []
    for section in SECTIONS:
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise DecisionsError(f"{name}: `{section}` must be a list")
        for index, entry in enumerate(entries):
            where = f"{name}: {section}[{index}]"
            if not isinstance(entry, dict):
                raise DecisionsError(f"{where}: expected a mapping")
            key = _identity(entry, "identity", where)
            if section in ("same", "different"):
                kind = SAME if section == "same" else DIFFERENT
                rule = Rule(kind, key, _identity(entry, "with", where), value=entry.get("reason"))
            elif section == "affiliations":
                organization = str(entry.get("organization") or "").strip()
                if not organization:
                    raise DecisionsError(f"{where}: `organization` is missing")
                start, end = _day(entry.get("from"), where), _day(entry.get("to"), where)
                if start and end and end < start:
                    raise DecisionsError(f"{where}: `to` ({end}) is before `from` ({start})")
                rule = Rule(AFFILIATION, key, None, organization, start, end)
            else:
                actor = entry.get("actor")
                if actor not in ACTORS:
                    raise DecisionsError(f"{where}: `actor` must be one of {', '.join(ACTORS)}")
                rule = Rule(BOT, key, value=actor)
            out.append((rule, str(entry.get("source") or CURATION), entry.get("note")))
    return out


def store_rules(
    curation: Curation,
    rules: list[tuple[Rule, str, str | None]],
    *,
    replace_sources: set[str] | None = None,
    detail: str,
) -> tuple[int, Rebuild]:
    """Store rules (existing ones are kept once), optionally replacing every earlier rule of
    the given sources first; then regroup the identities. Returns (new rules, rebuild)."""
    session = curation.session
    if replace_sources:
        session.execute(delete(CurationRule).where(CurationRule.source.in_(replace_sources)))
    added = 0
    for rule, source, note in rules:
        added += curation.add_rule(
            rule.kind,
            rule.key,
            rule.other,
            organization=rule.organization,
            valid_from=rule.valid_from,
            valid_to=rule.valid_to,
            value=rule.value,
            source=source,
            note=note,
        )
    rebuild = curation.apply(detail)
    record_data_change(session, detail)
    return added, rebuild


def import_decisions(
    curation: Curation, text: str, name: str, *, replace: bool = False
) -> tuple[int, Rebuild]:
    """Apply a decisions file; `replace` first forgets every decision not in it."""
    rules = parse_decisions(text, name)
    sources = None
    if replace:
        sources = set(curation.session.scalars(select(CurationRule.source).distinct()))
    return store_rules(curation, rules, replace_sources=sources, detail=f"decisions {name}")


def import_file(curation: Curation, imported: Imported) -> tuple[int, Rebuild]:
    """Store what an HR, SortingHat or gitdm file holds, replacing that source's earlier
    import (see ospo_metrics.people.imports)."""
    rules = [(rule, imported.source, None) for rule in imported.rules]
    return store_rules(
        curation, rules, replace_sources={imported.source}, detail=f"{imported.source}"
    )


def describe(rule: Rule) -> str:
    """One line for a rule, as the CLI lists them."""
    text = f"{rule.kind} {key_text(rule.key)}"
    if rule.other:
        text += f" {key_text(rule.other)}"
    if rule.organization:
        text += f" {rule.organization} {rule.valid_from or '…'}..{rule.valid_to or '…'}"
    return text
