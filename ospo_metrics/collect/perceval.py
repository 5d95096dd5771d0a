"""GrimoireLab Perceval files into the store: `ospo-metrics import perceval FILE...`.

An OSPO already running GrimoireLab loads its data without collecting again. Commits go through
the git collector's row builder and bulk insert, issues and pull requests through the GitHub
collector's row builders and `write_issues`, so an imported commit is the same row a collection
stores (and a later collection of the same repository adds no duplicate).

Each file is parsed whole, then written in one transaction: a malformed file is reported with
its name and the reason and nothing of it is stored; the other files are imported.

A repository is found by its OWNER/NAME (or the name given with `--repo`) among those already
stored, GitHub's first; otherwise it is created, on platform `git` for commits and `github`
for issues. An issue's comments and reviews are those of the file (GitHub issue items carry
the conversation, pull request items the reviews): items of one number in several files of
the same import are joined, so a pull request's first response counts both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from collectors.base import CollectorError, RunResult
from collectors.github.items import Actor, IssueItem
from collectors.perceval import PercevalFile, read_perceval_file, repository_name
from ospo_metrics.collect_git import commit_row
from ospo_metrics.collect_github import activity_row, issue_row
from ospo_metrics.models import Repository
from ospo_metrics.people.bots import BotRules
from ospo_metrics.store import (
    PeopleResolver,
    ensure_repository,
    finish_result,
    start_run,
    write_issues,
)
from ospo_metrics.store.commits import insert_commits

COLLECTOR = "perceval"


def perceval_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return files


def _repository(session: Session, name: str, platform: str) -> int:
    found = session.scalar(
        select(Repository.id)
        .where(Repository.full_name == name)
        .order_by(Repository.platform != "github", Repository.id)
        .limit(1)
    )
    return found if found is not None else ensure_repository(session, platform, name)


def _joined(files: list[PercevalFile]) -> dict[tuple[str, int], IssueItem]:
    """Each (origin, number) as one item: the pull request view's fields, every activity."""
    out: dict[tuple[str, int], IssueItem] = {}
    for parsed in files:
        for origin, items in parsed.issues.items():
            for item in items:
                key = (origin, item.number)
                known = out.get(key)
                if known is None:
                    out[key] = item
                    continue
                first, second = (
                    (item, known) if item.merged_at or not known.merged_at else (known, item)
                )
                seen = {(a.kind, a.source_id) for a in first.activities}
                extra = [a for a in second.activities if (a.kind, a.source_id) not in seen]
                out[key] = replace(first, activities=[*first.activities, *extra])
    return out


def _store(
    engine: Engine,
    parsed: PercevalFile,
    joined: dict[tuple[str, int], IssueItem],
    bots: BotRules,
    repository: str | None,
) -> int:
    written = 0
    with Session(engine) as session, session.begin():
        resolver = PeopleResolver(session, bots)
        for origin, commits in parsed.commits.items():
            repo_id = _repository(session, repository or repository_name(origin), "git")
            people = resolver.resolve_emails(
                [(c.author_name, c.author_email) for c in commits]
                + [(c.committer_name, c.committer_email) for c in commits]
                + [pair for c in commits for pair in c.co_authors]
            )
            rows = [commit_row(repo_id, commit, people) for commit in commits]
            insert_commits(session, rows)
            written += len(rows)

        def person(actor: Actor | None) -> int | None:
            return resolver.resolve(None, login=actor.login) if actor else None

        def is_bot(actor: Actor) -> bool:
            return actor.is_bot or bots.is_bot(login=actor.login)

        for origin, items in parsed.issues.items():
            repo_id = _repository(session, repository or repository_name(origin), "github")
            numbers = {item.number for item in items}
            whole = [joined[(origin, number)] for number in sorted(numbers)]
            rows = [issue_row(item, person, is_bot) for item in whole]
            activities = {
                item.number: [activity_row(a, person) for a in item.activities] for item in whole
            }
            written += write_issues(session, repo_id, rows, activities)
    return written


def import_perceval_files(
    engine: Engine, paths: Iterable[Path], bots: BotRules, repository: str | None = None
) -> list[RunResult]:
    """Import Perceval outputs (files, or folders of them), one collection run per file."""
    files = perceval_files(paths)
    parsed: dict[Path, PercevalFile | CollectorError] = {}
    for path in files:
        try:
            parsed[path] = read_perceval_file(path)
        except CollectorError as exc:
            parsed[path] = exc
    joined = _joined([p for p in parsed.values() if isinstance(p, PercevalFile)])
    results = []
    for path in files:
        result = RunResult(collector=COLLECTOR, target=str(path), status="running")
        run_id = start_run(engine, COLLECTOR, str(path))
        outcome = parsed[path]
        try:
            if isinstance(outcome, CollectorError):
                raise outcome
            result.items_seen = outcome.count
            result.items_written = _store(engine, outcome, joined, bots, repository)
            if outcome.copies:  # line counts that cannot be the git collector's (see there)
                result.details["copies"] = outcome.copies
            result.status = "ok"
        except CollectorError as exc:
            result.status, result.error = "failed", str(exc)
        finish_result(engine, run_id, result)
        results.append(result)
    return results
