"""GitHub issue/pull-request search query language (the subset a metrics collector uses).

Supported qualifiers (``-`` negates any of them): ``is:pr``/``type:pr``, ``is:issue``/
``type:issue``, ``is:open``/``is:closed``/``state:open|closed``, ``is:merged``/``is:unmerged``,
``is:draft``, ``is:public``/``is:private``, ``author:LOGIN``, ``org:ORG``, ``user:OWNER``,
``repo:OWNER/NAME``, ``label:NAME``, ``archived:true|false``, and the date qualifiers
``created:``, ``updated:``, ``closed:``, ``merged:`` with ``YYYY-MM-DD``, ``>=``, ``>``, ``<=``,
``<``, ``A..B``, ``A..*``, ``*..B`` (dates or ISO timestamps). Other words match the title or
body (case-insensitive). Several values of the same positive qualifier (``author:a author:b``)
are OR-ed, different qualifiers are AND-ed, like GitHub.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .model import GitHubModel, Issue, PullRequest, Repository, parse_iso

_TOKEN = re.compile(r'-?[\w.-]+:"[^"]*"|-?[\w.-]+:\S+|"[^"]*"|\S+')

MAX_SEARCH_RESULTS = 1000


class SearchSyntaxError(ValueError):
    pass


def _is_date(text: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) is not None


def _upper(text: str) -> tuple[datetime, bool]:
    """Upper bound of "<= text": a date means the whole day (exclusive next midnight)."""
    if _is_date(text):
        return parse_iso(text) + timedelta(days=1), False
    return parse_iso(text), True


def parse_range(value: str) -> tuple[datetime | None, datetime | None, bool, bool]:
    """-> (low, high, low_inclusive, high_inclusive); None bound = open."""
    try:
        if value.startswith(">="):
            return parse_iso(value[2:]), None, True, True
        if value.startswith(">"):
            text = value[1:]
            if _is_date(text):
                return parse_iso(text) + timedelta(days=1), None, True, True
            return parse_iso(text), None, False, True
        if value.startswith("<="):
            hi, inc = _upper(value[2:])
            return None, hi, True, inc
        if value.startswith("<"):
            return None, parse_iso(value[1:]), True, False
        if ".." in value:
            lo_s, hi_s = value.split("..", 1)
            lo = None if lo_s in ("", "*") else parse_iso(lo_s)
            if hi_s in ("", "*"):
                return lo, None, True, True
            hi, inc = _upper(hi_s)
            return lo, hi, True, inc
        if _is_date(value):
            lo = parse_iso(value)
            return lo, lo + timedelta(days=1), True, False
        lo = parse_iso(value)
        return lo, lo, True, True
    except ValueError as exc:
        raise SearchSyntaxError(f"invalid date {value!r}") from exc


def _in_range(dt: datetime | None, rng: tuple) -> bool:
    if dt is None:
        return False
    lo, hi, lo_inc, hi_inc = rng
    if lo is not None and (dt < lo if lo_inc else dt <= lo):
        return False
    return not (hi is not None and (dt > hi if hi_inc else dt >= hi))


@dataclass
class SearchQuery:
    raw: str
    positive: dict[str, list[str]] = field(default_factory=dict)
    negative: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def values(self, key: str) -> list[str]:
        return self.positive.get(key, [])


_ALIASES = {"type": "is", "state": "is", "in": "in"}


def parse_query(q: str) -> SearchQuery:
    sq = SearchQuery(raw=q)
    for tok in _TOKEN.findall(q or ""):
        neg = tok.startswith("-") and ":" in tok
        body = tok[1:] if neg else tok
        if ":" in body and not body.startswith('"'):
            key, value = body.split(":", 1)
            key = key.lower()
            value = value.strip('"')
            key = _ALIASES.get(key, key)
            if key == "is":
                value = value.lower()
                value = {"pull-request": "pr", "pullrequest": "pr"}.get(value, value)
            target = sq.negative if neg else sq.positive
            target.setdefault(key, []).append(value)
        else:
            word = tok.strip('"').lower()
            if word in ("and", "or", "not"):
                continue
            sq.words.append(word)
    return sq


def _matches_is(item: Issue, value: str) -> bool:
    if value == "pr":
        return item.is_pull_request
    if value == "issue":
        return not item.is_pull_request
    if value in ("open", "closed"):
        return item.state == value
    if value == "merged":
        return isinstance(item, PullRequest) and item.merged_at is not None
    if value == "unmerged":
        return isinstance(item, PullRequest) and item.merged_at is None and item.state == "closed"
    if value == "draft":
        return isinstance(item, PullRequest) and item.draft
    if value == "public":
        return not item.repo.private
    if value in ("private", "internal"):
        return item.repo.private
    if value == "locked":
        return item.locked
    if value == "unlocked":
        return not item.locked
    return False


def _item_predicates(sq: SearchQuery) -> list[Callable[[Issue], bool]]:
    preds: list[Callable[[Issue], bool]] = []

    def group(key: str, test: Callable[[Issue, str], bool]) -> None:
        pos = sq.positive.get(key)
        neg = sq.negative.get(key)
        if pos:
            if key in ("is", "label"):  # each is:/label: must hold
                for v in pos:
                    preds.append(lambda i, v=v: test(i, v))
            else:
                preds.append(lambda i: any(test(i, v) for v in pos))
        if neg:
            preds.append(lambda i: not any(test(i, v) for v in neg))

    group("is", _matches_is)
    group(
        "author",
        lambda i, v: (
            i.author.login.lower() == v.lower()
            or i.author.graphql_login.lower() == v.lower().removeprefix("app/")
        ),
    )
    group("org", lambda i, v: i.repo.owner.login.lower() == v.lower())
    group("user", lambda i, v: i.repo.owner.login.lower() == v.lower())
    group("repo", lambda i, v: i.repo.full_name.lower() == v.lower())
    group("label", lambda i, v: any(lab.name.lower() == v.lower() for lab in i.labels))
    group("archived", lambda i, v: i.repo.archived == (v.lower() == "true"))
    for key, attr in (
        ("created", "created_at"),
        ("updated", "updated_at"),
        ("closed", "closed_at"),
        ("merged", "merged_at"),
    ):
        for v in sq.positive.get(key, []):
            rng = parse_range(v)
            preds.append(lambda i, rng=rng, attr=attr: _in_range(getattr(i, attr, None), rng))
        for v in sq.negative.get(key, []):
            rng = parse_range(v)
            preds.append(lambda i, rng=rng, attr=attr: not _in_range(getattr(i, attr, None), rng))
    if sq.words:
        words = sq.words
        preds.append(lambda i: all(w in i.title.lower() or w in i.body.lower() for w in words))
    return preds


def _visible(repo: Repository, authenticated: bool) -> bool:
    return authenticated or not repo.private


def search_issues(
    model: GitHubModel,
    q: str,
    *,
    sort: str | None = None,
    order: str | None = None,
    authenticated: bool = True,
) -> list[Issue]:
    """All matching issues/PRs (not capped), ordered like GitHub (default: newest first)."""
    sq = parse_query(q)
    preds = _item_predicates(sq)
    authors = sq.positive.get("author")
    candidates: Iterable[Issue]
    if authors:
        pool: list[Issue] = []
        for a in authors:
            low = a.lower().removeprefix("app/")
            pool.extend(model.items_by_author.get(low, ()))
            pool.extend(model.items_by_author.get(f"{low}[bot]", ()))
        candidates = pool
    else:
        repos = list(model.repos.values())
        for key in ("repo",):
            if sq.positive.get(key):
                wanted = {v.lower() for v in sq.positive[key]}
                repos = [r for r in repos if r.full_name.lower() in wanted]
        if sq.positive.get("org") or sq.positive.get("user"):
            owners = {v.lower() for v in sq.positive.get("org", []) + sq.positive.get("user", [])}
            repos = [r for r in repos if r.owner.login.lower() in owners]
        candidates = (i for r in repos for i in r.items.values())
    seen: set[int] = set()
    out: list[Issue] = []
    for item in candidates:
        if item.id in seen or model.repos.get(item.repo.full_name.lower()) is not item.repo:
            continue
        if not _visible(item.repo, authenticated):
            continue
        if all(p(item) for p in preds):
            seen.add(item.id)
            out.append(item)
    key_attr = {"created": "created_at", "updated": "updated_at"}.get(sort or "")
    reverse = (order or "desc").lower() != "asc"
    if sort == "comments":
        out.sort(key=lambda i: (len(i.comments), i.id), reverse=reverse)
    elif key_attr:
        out.sort(key=lambda i: (getattr(i, key_attr), i.id), reverse=reverse)
    else:  # "best match": newest first
        out.sort(key=lambda i: (i.created_at, i.id), reverse=True)
    return out


def search_repositories(
    model: GitHubModel, q: str, *, authenticated: bool = True
) -> list[Repository]:
    """Repository search: ``org:``, ``user:``, ``repo:``, ``fork:true|only|false``,
    ``archived:``, ``is:public|private``, ``topic:``, ``language:`` and name words."""
    sq = parse_query(q)
    out = []
    for repo in model.repos.values():
        if not _visible(repo, authenticated):
            continue
        owners = sq.values("org") + sq.values("user")
        if owners and repo.owner.login.lower() not in {o.lower() for o in owners}:
            continue
        if sq.values("repo") and repo.full_name.lower() not in {
            v.lower() for v in sq.values("repo")
        }:
            continue
        fork = [v.lower() for v in sq.values("fork")]
        if "only" in fork and not repo.fork:
            continue
        if not fork and repo.fork:
            continue
        if "false" in fork and repo.fork:
            continue
        if sq.values("archived") and repo.archived != (sq.values("archived")[0] == "true"):
            continue
        if "public" in sq.values("is") and repo.private:
            continue
        if "private" in sq.values("is") and not repo.private:
            continue
        if sq.values("topic") and not set(sq.values("topic")) <= set(repo.topics):
            continue
        if sq.values("language") and (repo.language or "").lower() not in {
            v.lower() for v in sq.values("language")
        }:
            continue
        text = f"{repo.name} {repo.description or ''}".lower()
        if not all(w in text for w in sq.words):
            continue
        out.append(repo)
    out.sort(key=lambda r: (-r.stars, r.id))
    return out
