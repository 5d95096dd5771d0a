"""The contributions frame: one row per contribution and person credited.

A contribution (CHAOSS "Contributors") is, for one person:

- ``commit``: a commit they authored (merge commits are not contributions);
- ``co_authored_commit``: a commit naming them in a ``Co-authored-by`` trailer;
- ``issue`` / ``pull_request``: an issue or a pull request they opened;
- ``review``: a pull request review they submitted;
- ``comment``: a comment on an issue or a pull request, or a review comment.

:func:`base_contributions` derives the first kind and the issues and pull requests from the
commits and issues frames (or the read layer's richer tables: where they carry `actor`,
`organization` or `affiliation_source`, those are used); the read layer adds co-authors,
reviews and comments, which only the database knows, with :func:`contribution_rows`.
"""

from __future__ import annotations

import pandas as pd

from kpis._util import flag
from kpis.schema import (
    INDEPENDENT,
    KIND_COMMIT,
    KIND_ISSUE,
    KIND_PULL_REQUEST,
    UNKNOWN,
    contributions_frame,
)

# Where an organization came from when it is only a default, not evidence: a free-mail or
# noreply address, or no usable address at all (see ospo_metrics.people.affiliation).
DEFAULT_SOURCES: frozenset[str] = frozenset({"generic address", "unknown"})


def _column(frame: pd.DataFrame, *names: str, default: object = None) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def affiliation_known(frame: pd.DataFrame) -> pd.Series:
    """Whether each row's organization rests on evidence: a dated affiliation or a company
    e-mail domain. Without an `affiliation_source` column, any organization other than
    "Independent" and "Unknown" counts as known."""
    if "affiliation_source" in frame.columns:
        return ~frame["affiliation_source"].isin(DEFAULT_SOURCES).fillna(False).astype(bool)
    organization = _column(frame, "organization", default=UNKNOWN).fillna(UNKNOWN)
    return ~organization.isin([INDEPENDENT, UNKNOWN])


def contribution_rows(
    frame: pd.DataFrame,
    kind: pd.Series | str,
    *,
    person: str,
    when: str,
    actor: str = "actor",
    is_bot: str = "is_bot",
    is_employee: str = "is_employee",
) -> pd.DataFrame:
    """Contribution rows from any table with a repository, a person and a time per row.

    Rows without a person (a deleted account) are left out: nobody can be credited.
    """
    people = pd.to_numeric(frame[person], errors="coerce") if len(frame) else frame[person]
    keep = people.notna().to_numpy()
    frame, people = frame.loc[keep], people[keep]
    bots = flag(_column(frame, is_bot, default=False))
    actors = _column(frame, actor).where(
        lambda a: a.notna(), bots.map({True: "bot", False: "human"})
    )
    return contributions_frame(
        pd.DataFrame(
            {
                "repo": frame["repo"],
                "relationship": _column(frame, "relationship", default="owned"),
                "kind": kind if isinstance(kind, str) else kind[keep],
                "person_id": people.astype("int64"),
                "occurred_at": frame[when],
                "actor": actors,
                "is_bot": bots,
                "organization": _column(frame, "organization", default=UNKNOWN).fillna(UNKNOWN),
                "is_employee": flag(_column(frame, is_employee, default=False)),
                "affiliation_known": affiliation_known(frame),
            }
        ).reset_index(drop=True)
    )


_COMMIT_NEEDS = ("repo", "author_id", "authored_at", "is_merge")
_ISSUE_NEEDS = ("repo", "author_id", "created_at", "is_pull_request")


def base_contributions(commits: pd.DataFrame, issues: pd.DataFrame) -> pd.DataFrame:
    """Authored (non-merge) commits, and issues and pull requests opened, as contributions.

    A frame missing columns adds nothing here: the KPIs that read it report what is missing.
    """
    parts = []
    if set(_COMMIT_NEEDS) <= set(commits.columns):
        authored = commits.loc[~flag(commits["is_merge"])] if len(commits) else commits
        parts.append(
            contribution_rows(authored, KIND_COMMIT, person="author_id", when="authored_at")
        )
    if len(issues) and set(_ISSUE_NEEDS) <= set(issues.columns):
        kind = issues["is_pull_request"].map({True: KIND_PULL_REQUEST, False: KIND_ISSUE})
        parts.append(
            contribution_rows(
                issues,
                kind.fillna(KIND_ISSUE),
                person="author_id",
                when="created_at",
                actor="author_actor",
                is_bot="author_is_bot",
                is_employee="author_is_employee",
            )
        )
    return combine(parts)


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """One contributions frame from several, ordered by time."""
    parts = [part for part in parts if len(part)]
    if not parts:
        return contributions_frame([])
    frame = pd.concat(parts, ignore_index=True).sort_values("occurred_at", kind="stable")
    return contributions_frame(frame.reset_index(drop=True))
