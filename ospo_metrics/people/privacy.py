"""Privacy mode: every view shows counts, never a person's name, e-mail address or login.

Switched on in the configuration (``privacy: true``, or ``privacy: {hide_people: true}``). The
one rule, applied wherever people leave the program (page tables and charts, page CSVs, CLI
exports, the HTML report):

- a person is shown as a pseudonym, ``Person 12`` (their person id: the same in every view, so
  counts, groupings and "who is who" across tables stay right, and nothing can be looked up);
- e-mail addresses, logins and names in columns that hold them are replaced by that pseudonym
  (or by a pseudonym numbered within the table, where no person id is at hand);
- e-mail addresses and ``@logins`` inside free text (commit subjects, titles, error texts) are
  masked.

The small API other code calls (pages through ``ospo_metrics.ui``, the CLI, the report):

- :func:`enabled` -- is privacy mode on for this configuration?
- :func:`hide_people` -- a frame with every personal column pseudonymized (no-op when off);
- :func:`is_personal_column` -- which columns hold people (by name: ``author_name``,
  ``*_email``, ``*_login``, ``owner``, ...; ``name`` too in a table with a person id); give
  ``personal=`` to name more;
- :func:`person_label` -- one person's label for a chart or a sentence;
- :func:`mask_text` -- free text with addresses and ``@mentions`` masked.

A new view that shows people calls :func:`hide_people` on its frame (``ui.table`` and the CSV
buttons already do), or :func:`person_label` for a single name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

HIDDEN = "(hidden)"
# Columns that hold a person, whatever the table; more match the patterns below.
PERSON_COLUMNS = frozenset(
    {
        "author",
        "author_name",
        "author_email",
        "author_login",
        "committer",
        "committer_name",
        "committer_email",
        "co_authors",
        "person",
        "person_name",
        "name_seen",
        "names",
        "email",
        "emails",
        "login",
        "logins",
        "identity",
        "identities",
        "identity_a",
        "identity_b",
        "owner",
        "reviewer",
        "commenter",
        "contributor",
        "user",
        "member",
        "employee",
    }
)
_PERSONAL_RE = re.compile(
    r"(^|_)(e_?mails?|logins?)$"
    r"|^(author|committer|person|reviewer|commenter|contributor|user|member|employee|owner|"
    r"maintainer|assignee)s?_(name|names|email|login|identity)$"
)
# Columns whose free text may mention people: masked, not replaced.
TEXT_COLUMNS = frozenset(
    {"subject", "title", "message", "body", "error", "detail", "why", "note", "description"}
)
PERSON_ID_COLUMNS = ("person_id", "author_id")
_EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?![\w@])")
# "Merge pull request #12 from jdoe/branch": the login before the branch.
_MERGE_FROM_RE = re.compile(r"(Merge pull request #\d+ from )[^/\s]+/")


def enabled(config: object) -> bool:
    """Is privacy mode on? Takes a Config (its `privacy` section), a section, or a bool."""
    if isinstance(config, bool) or config is None:
        return bool(config)
    section = getattr(config, "privacy", config)
    if isinstance(section, bool):
        return section
    return bool(getattr(section, "hide_people", False))


def is_personal_column(name: object, personal: Iterable[str] = ()) -> bool:
    """True for a column that holds people (names, e-mails, logins, identities)."""
    text = str(name).lower()
    return text in PERSON_COLUMNS or text in set(personal) or bool(_PERSONAL_RE.search(text))


def pseudonym(person_id: object) -> str:
    """`Person 12`; an unknown person (a deleted account) is `Person ?`."""
    if person_id is None or (not isinstance(person_id, str) and pd.isna(person_id)):
        return "Person ?"
    text = str(person_id).removeprefix("#")
    if isinstance(person_id, float) and person_id.is_integer():
        text = str(int(person_id))
    return f"Person {text}"


def person_label(person_id: object, name: object, config: object) -> str:
    """How one person is named in a chart or a sentence: the name, or the pseudonym."""
    if enabled(config):
        return pseudonym(person_id)
    return str(name) if name is not None and str(name) else pseudonym(person_id)


def mask_text(text: object) -> object:
    """Free text with e-mail addresses, @mentions and merge-commit logins masked."""
    if not isinstance(text, str) or not text:
        return text
    text = _EMAIL_RE.sub(HIDDEN, text)
    text = _MERGE_FROM_RE.sub(lambda m: m.group(1) + HIDDEN + "/", text)
    return _MENTION_RE.sub("@" + HIDDEN, text)


def _id_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in PERSON_ID_COLUMNS if c in frame.columns), None)


def _pseudonyms_within(series: pd.Series) -> pd.Series:
    """A pseudonym per distinct value, numbered within this table (no id at hand)."""
    codes, _ = pd.factorize(series, use_na_sentinel=True)
    return pd.Series(
        [f"Person {code + 1}" if code >= 0 else None for code in codes],
        index=series.index,
        dtype=object,
    )


def hide_people(
    frame: pd.DataFrame,
    config: object,
    *,
    personal: Iterable[str] = (),
    id_column: str | None = None,
) -> pd.DataFrame:
    """`frame` with its people pseudonymized when privacy mode is on (else `frame` itself).

    Personal columns (see :func:`is_personal_column`, plus `personal`) get `Person <id>` from
    the row's person id column (`id_column`, else person_id / author_id when present), or a
    pseudonym numbered within the table; text columns get :func:`mask_text`. The column set is
    unchanged, so a CSV keeps its shape with privacy on or off.
    """
    if not enabled(config) or frame is None:
        return frame
    extra = set(personal)
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    ids = id_column or _id_column(frame)
    if ids is not None:
        extra |= {"name", "names"}  # beside a person id, a name is the person's
    for column in out.columns:
        if column == ids:
            continue
        if is_personal_column(column, extra):
            if ids is not None:
                values = out[ids].map(pseudonym)
                out[column] = values.where(out[column].notna(), None).astype(object)
            else:
                out[column] = _pseudonyms_within(out[column])
        elif str(column).lower() in TEXT_COLUMNS:
            out[column] = out[column].map(mask_text)
    return out


def hide_index_people(frame: pd.DataFrame, config: object) -> pd.DataFrame:
    """Like :func:`hide_people` for a frame whose index names people (a top-N chart)."""
    if not enabled(config):
        return frame
    out = hide_people(frame, config)
    out.index = _pseudonyms_within(pd.Series(list(frame.index))).to_list()
    return out
