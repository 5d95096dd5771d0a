"""The details of the rows a page shows (sha, subject, title, link), kept per data version.

A page shows the first few thousand commits or issues of a filter with the columns a person
reads, fetched by id. What costs is not those rows but the lookups every read of them joins
(people with their bot-or-human kind, employments, repositories): about two seconds at a
million commits. Both are kept with the frames' results (`memo.computed`), so the lookups are
read once per data version and the rows shown once per id list, in any process; `warm`
stores the default views' rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from kpis.schema import Frames
from ospo_metrics.affiliation import AffiliationRules
from ospo_metrics.people.affiliation import best_emails
from ospo_metrics.people.directory import load_identities
from ospo_metrics.read.columnar import reader
from ospo_metrics.read.frames import Lookups, read_lookups
from ospo_metrics.read.memo import computed
from ospo_metrics.read.tables import load_commits_table, load_issues_table, rows_in

WHEN = {"commits": "authored_at", "issues": "created_at"}
# The Explore page's choices for issues, the first of each being what it opens on.
ISSUE_KINDS = ("pull requests", "issues", "both")
RELATIONSHIPS = ("owned", "upstream", "both")
STATES = ("any", "open", "closed", "merged")
SHOWN_ROWS = 5000  # the Explore page's tables show the first 5,000 rows of a filter


def lookups_of(engine: Engine, rules: AffiliationRules, frames: Frames) -> Lookups:
    """The lookups of the data version `frames` stand for, read once."""

    def make() -> Lookups:
        with reader(engine) as read:
            lookups = read_lookups(read, rules)
        emails = best_emails(load_identities(engine), rules)
        return dataclasses.replace(lookups, emails=emails)

    return computed(frames, ("lookups",), make)


def first_ids(rows: pd.DataFrame, what: str, limit: int = SHOWN_ROWS) -> list[int]:
    """The ids of the first `limit` rows, oldest first, ties by id (what a page shows of a
    filter). A partition, then a sort of the few rows at the front: a full sort of a
    million timestamps on every view costs half a second."""
    if rows.empty:
        return []
    times = rows[WHEN[what]].to_numpy(dtype="datetime64[ns]").view("int64")
    ids = rows["id"].to_numpy(dtype="int64")
    if len(times) > limit:
        cut = np.partition(times, limit - 1)[limit - 1]
        front = np.flatnonzero(times <= cut)  # every row tied with the last one included
        times, ids = times[front], ids[front]
    order = np.lexsort((ids, times))[:limit]
    return ids[order].tolist()


def issue_rows(
    table: pd.DataFrame,
    scope: str,
    groups: Mapping[str, Sequence[str]],
    kind: str = ISSUE_KINDS[0],
    relationship: str = RELATIONSHIPS[0],
    state: str = STATES[0],
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    """Issues and pull requests by scope, kind, owned/upstream, state and creation date
    (the defaults: what the Explore page opens on)."""
    rows = rows_in(table, scope, groups, when="created_at", since=since, until=until)
    if rows.empty:
        return rows
    if kind != "both":
        rows = rows[rows["is_pull_request"] == (kind == "pull requests")]
    if relationship != "both":
        rows = rows[rows["relationship"] == relationship]
    if state != "any":
        rows = rows[rows["state"] == state]
    return rows


def shown_details(
    engine: Engine, rules: AffiliationRules, frames: Frames, what: str, ids: Sequence[int]
) -> pd.DataFrame:
    """The commits or issues (`what`) with these ids, with their details, oldest first:
    computed once per data version and id list (shared: derive, never modify)."""
    load = {"commits": load_commits_table, "issues": load_issues_table}[what]

    def make() -> pd.DataFrame:
        lookups = lookups_of(engine, rules, frames)
        return load(engine, rules, ids=list(ids), lookups=lookups)

    return computed(frames, ("details", what, tuple(int(i) for i in ids)), make)


__all__ = [
    "ISSUE_KINDS",
    "RELATIONSHIPS",
    "SHOWN_ROWS",
    "STATES",
    "first_ids",
    "issue_rows",
    "lookups_of",
    "shown_details",
]
