"""The GitHub account GitHub reports as a commit's author, asked over GraphQL in batches.

GitHub attributes a commit to the account that has its author e-mail among its verified
addresses (`Commit.author.user`, null when no account has it). One commit per address is
enough to learn the address's account, so the caller picks one sha per address and this module
asks for up to :data:`BATCH` of them per query::

    r0: repository(owner: $o0, name: $n0) {
      c0: object(oid: "...") { ... on Commit { author { email user { login databaseId } } } }
      ...
    }

`object` is no connection: a query costs one point whatever its number of aliases. An oid
GitHub does not have (the commit was force-pushed away) answers null and is reported as not
found, so the caller can remember it; a repository GitHub no longer shows answers null with a
NOT_FOUND error, and its commits are not found either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from collectors.github.errors import GitHubApiError
from collectors.github.http import GitHubHttp

BATCH = 100
RATE = "rateLimit { cost remaining resetAt }"
AUTHOR = "... on Commit { author { email user { login databaseId } } }"
# A malformed oid would fail the whole query (GitObjectID is checked before it runs).
OID_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class CommitRef:
    """One commit to ask about: the repository it is in and the address it stands for."""

    repository: str  # OWNER/NAME
    sha: str
    email: str


@dataclass(frozen=True)
class CommitAuthor:
    """What GitHub said about a commit's author."""

    ref: CommitRef
    # False: GitHub does not have this commit (or the repository) any more; None: GitHub
    # answered with an error for it (ask again next time)
    found: bool | None
    login: str | None = None  # None (with found): no GitHub account has the address
    user_id: int | None = None


def valid_oid(sha: str) -> bool:
    return bool(OID_RE.match(sha))


def commit_authors_query(refs: Sequence[CommitRef]) -> tuple[str, dict[str, str]]:
    """One query asking for the author of each commit, grouped under one alias per repository."""
    by_repo: dict[str, list[tuple[int, CommitRef]]] = {}
    for k, ref in enumerate(refs):
        if not valid_oid(ref.sha):
            raise ValueError(f"not a git object id: {ref.sha!r}")
        by_repo.setdefault(ref.repository, []).append((k, ref))
    declarations: list[str] = []
    variables: dict[str, str] = {}
    blocks = []
    for i, (repository, commits) in enumerate(by_repo.items()):
        owner, name = repository.split("/", 1)
        declarations += [f"$o{i}: String!", f"$n{i}: String!"]
        variables.update({f"o{i}": owner, f"n{i}": name})
        objects = " ".join(f'c{k}: object(oid: "{ref.sha}") {{ {AUTHOR} }}' for k, ref in commits)
        blocks.append(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ {objects} }}\n")
    head = f"query CommitAuthors({', '.join(declarations)})"
    return f"{head} {{\n  {RATE}\n{''.join(blocks)}}}\n", variables


class CommitAuthors:
    """Asks GitHub for the authors of commits, :data:`BATCH` per query."""

    def __init__(self, http: GitHubHttp) -> None:
        self.http = http

    def lookup(self, refs: Sequence[CommitRef]) -> Iterator[list[CommitAuthor]]:
        """The answers, one list per query sent (so that each can be stored before the next)."""
        for start in range(0, len(refs), BATCH):
            yield self._batch(refs[start : start + BATCH])

    def _batch(self, refs: Sequence[CommitRef]) -> list[CommitAuthor]:
        query, variables = commit_authors_query(refs)
        data, errors = self.http.graphql(query, variables)
        if not data and errors:
            raise GitHubApiError("GitHub GraphQL error: " + str(errors[0].get("message", "")))
        aliases = {ref.repository: f"r{i}" for i, ref in enumerate(_first_per_repo(refs))}
        failed = _failed_paths(errors)
        answers = []
        for k, ref in enumerate(refs):
            alias = aliases[ref.repository]
            if (alias,) in failed or (alias, f"c{k}") in failed:
                answers.append(CommitAuthor(ref, found=None))
                continue
            node = (data.get(alias) or {}).get(f"c{k}")
            author = node.get("author") if isinstance(node, dict) else None
            if not isinstance(author, dict):  # no such commit (or not a commit)
                answers.append(CommitAuthor(ref, found=False))
                continue
            user = author.get("user") or {}
            login = user.get("login") if isinstance(user, dict) else None
            answers.append(
                CommitAuthor(
                    ref,
                    found=True,
                    login=str(login) if login else None,
                    user_id=user.get("databaseId") if login else None,
                )
            )
        return answers


def _first_per_repo(refs: Sequence[CommitRef]) -> list[CommitRef]:
    """One ref per repository, in the order `commit_authors_query` numbers repositories."""
    seen: dict[str, CommitRef] = {}
    for ref in refs:
        seen.setdefault(ref.repository, ref)
    return list(seen.values())


def _failed_paths(errors: list[dict]) -> set[tuple[str, ...]]:
    """The aliases (repository, or repository and commit) an error other than NOT_FOUND hit:
    their commits were not answered, which says nothing about the commits."""
    failed: set[tuple[str, ...]] = set()
    for error in errors:
        path = [str(part) for part in error.get("path") or []]
        if path and error.get("type") != "NOT_FOUND":
            failed.add(tuple(path[:2]) if len(path) > 1 else (path[0],))
    return failed
