"""Runs the GitHub collector over the configured organizations, repositories and upstream work.

Runs (`collection_runs`, collector "github"):

- `org:LOGIN` -- one per organization and collection: the organization, its members and its
  repository listing (REST, conditional: the cursor keeps the ETag of every page and what that
  page listed), then the history of every repository; it records the whole cost, GraphQL
  points included. Its cursor is reused even after a run stopped half way, because it only
  remembers listings that were written before the stop.
- `OWNER/NAME` -- one per repository *with something to fetch* (see `collectors.github.cursor`
  for its cursor), written only when everything of the repository was stored. An unchanged
  repository gets no run row: its previous run still holds its cursor. Per-repository runs make
  resuming simple: finished repositories stay finished, and the next probe compares each item's
  `updatedAt` with the stored one, so a half-stored repository resumes item by item. Its cost
  is its own REST requests plus its share of the GraphQL batches it was fetched in.
- `repositories` -- `github:` repositories of the configuration that no organization listed.
- `upstream` -- pull requests of members and employees outside our organizations (search).
- `forks:LOGIN`, `forks:repositories` -- who forked the repositories of an organization, or
  the `github:` ones (see `ospo_metrics.collect.github_forks`); only when there is something
  to ask.
- `commit-authors` -- the login GitHub reports for commit author e-mails not linked yet (see
  ospo_metrics.collect.commit_authors); recorded only when there was something to ask.

Organization membership becomes an affiliation (`source` "org_membership", employer =
`affiliation.organization`). GitHub does not say when someone joined: members on the first
listing have no start date (their past work counts as the organization's), members who appear
on a later listing are valid from the day they were first seen; dated employments in the
configuration take precedence where they apply. When someone is no longer listed, the open row
is closed on the day before the run that noticed it.

The token never reaches the database, the logs or an error message: only where it came from.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from collectors.base import CollectorError, ProgressCallback, RunResult
from collectors.github.auth import Credential, app_credential, token_credential
from collectors.github.errors import AuthenticationError, RateLimitStop, RepositoryUnavailable
from collectors.github.http import ConditionalCache, GitHubHttp, RequestStats
from collectors.github.items import Activity, Actor, IssueItem, RepositoryInfo, UpstreamPull, iso
from collectors.github.pipeline import (
    Failed,
    Fetched,
    Finished,
    Probed,
    Progress,
    RepositoryPipeline,
    RepoState,
    Started,
)
from collectors.github.ratelimit import RateLimiter
from collectors.github.rest import RestApi
from collectors.github.upstream import UpstreamSearch, search_windows
from ospo_metrics.collect.commit_authors import TARGET as COMMIT_AUTHORS
from ospo_metrics.collect.commit_authors import Scope, link_commit_authors
from ospo_metrics.collect.commit_authors import pending as pending_commit_authors
from ospo_metrics.collect.github_forks import EXPLICIT_TARGET as FORKS_EXPLICIT_TARGET
from ospo_metrics.collect.github_forks import TARGET_PREFIX as FORKS_PREFIX
from ospo_metrics.collect.github_forks import collect_forks
from ospo_metrics.context import Context
from ospo_metrics.models import Organization, Repository
from ospo_metrics.people.curation import apply_curation
from ospo_metrics.redact import install_log_filter, redact, register_secret
from ospo_metrics.store import (
    PeopleResolver,
    close_memberships,
    ensure_repository,
    finish_run,
    issue_ids,
    issue_versions,
    last_cursor,
    last_cursors,
    latest_cursor,
    record_memberships,
    start_run,
    stored_repositories,
    sync_listed_repositories,
    update_compliance,
    upsert_comments,
    upsert_organization,
    upsert_releases,
    utcnow,
    write_issues,
)
from ospo_metrics.store.renames import follow_renames

COLLECTOR = "github"
PLATFORM = "github"
UPSTREAM_TARGET = "upstream"
DEFAULT_UPSTREAM_DAYS = 365
METADATA = (
    "platform_id",
    "is_fork",
    "is_archived",
    "visibility",
    "license_spdx",
    "stars",
    "forks",
    "open_issues",
    "default_branch",
    "topics",
    "description",
    "created_at",
    "pushed_at",
    "watchers",
    "clone_url",
    "size_kb",
)
OWNERSHIP = ("organization_id", "relationship", "unavailable_reason")

log = logging.getLogger("ospo_metrics.github")

ProgressFactory = Callable[[str], ProgressCallback | None]


def collect_github_sources(
    context: Context,
    *,
    only: str | None = None,
    progress: ProgressFactory | None = None,
    env: Mapping[str, str] = os.environ,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    notify: Callable[[str], None] | None = None,
    timeout: float = 30.0,
) -> list[RunResult]:
    """Collect every configured organization, `github:` repository and upstream contribution.

    `only` restricts the run to one organization login, one OWNER/NAME or "upstream". `sleep`
    and `clock` are injectable so rate-limit waits and retries cost tests no time; `notify`
    receives the visible messages (such as a wait for a rate-limit reset).
    """
    config = context.config
    orgs, explicit, upstream = _selection(context, only)
    if not orgs and not explicit and not (upstream and config.upstream.repositories):
        return []
    context.sync_people()
    install_log_filter()
    register_secret(config.github.read_token(env))
    try:
        http, credential = _http(context, env, sleep, clock, notify, timeout)
    except CollectorError as exc:
        return [RunResult(COLLECTOR, "github", "failed", error=redact(exc))]
    with GitHubCollection(context, http, credential, progress, clock) as collection:
        return collection.run(orgs, explicit, upstream=upstream)


def _selection(context: Context, only: str | None) -> tuple[list[str], list[str], bool]:
    """(organizations, `github:` repositories, upstream?) a collection restricted to `only`
    reads."""
    config = context.config
    orgs = list(config.organizations)
    # Repositories of a configured organization come with its listing; the others, and those
    # the listing does not show (wrong name, hidden from the credential), are read one by one.
    explicit = [entry.github for entry in config.repositories if entry.kind == "github"]
    upstream = True
    if only:
        wanted = only.lower()
        upstream = wanted == UPSTREAM_TARGET
        orgs = [org for org in orgs if org.lower() == wanted]
        explicit = [name for name in explicit if name.lower() == wanted]
        if "/" in wanted and not explicit:
            explicit = [only]
    return orgs, explicit, upstream


def collect_commit_authors(
    context: Context,
    *,
    only: str | None = None,
    env: Mapping[str, str] = os.environ,
    timeout: float = 30.0,
) -> list[RunResult]:
    """Only the step linking commit author e-mails to GitHub logins (see
    ospo_metrics.collect.commit_authors), e.g. after the mirrors were mined. Anonymous: none
    (GraphQL needs a token; the GitHub collection already said so)."""
    orgs, explicit, _ = _selection(context, only)
    if not orgs and not explicit:
        return []
    install_log_filter()
    register_secret(context.config.github.read_token(env))
    try:
        if not github_credential(context, env).authenticated:
            return []
        http, credential = _http(context, env, time.sleep, time.time, None, timeout)
    except CollectorError as exc:
        return [RunResult(COLLECTOR, COMMIT_AUTHORS, "failed", error=redact(exc))]
    with GitHubCollection(context, http, credential, None, time.time) as collection:
        # A stop is recorded on the run; the next collection asks again.
        with suppress(AuthenticationError, RateLimitStop):
            collection.commit_authors(_scope(orgs, explicit))
        return collection.results


def _scope(orgs: list[str], explicit: list[str]) -> Scope:
    return Scope({org.lower() for org in orgs}, {name.lower() for name in explicit})


def github_credential(context: Context, env: Mapping[str, str]) -> Credential:
    """The configured GitHub App, else the token in `github.token_env` (maybe anonymous)."""
    github = context.config.github
    if github.app is not None:
        key_file = context.config.resolve_path(github.app.private_key_file)
        return app_credential(github.app.id, github.app.installation_id, key_file, github.base_url)
    return token_credential(github.read_token(env), github.token_env)


def _http(
    context: Context,
    env: Mapping[str, str],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    notify: Callable[[str], None] | None,
    timeout: float,
) -> tuple[GitHubHttp, Credential]:
    github = context.config.github
    credential = github_credential(context, env)
    if github.app is None and not credential.authenticated:
        message = (
            f"GitHub: no token in ${github.token_env}: collecting anonymously (60 requests "
            "an hour; GraphQL needs a token, so issue and pull request history is skipped)"
        )
        log.warning(message)
        if notify:
            notify(message)
    limiter = RateLimiter(
        on_rate_limit=github.on_rate_limit,
        max_wait_seconds=github.max_wait_seconds,
        sleep=sleep,
        clock=clock,
        notify=notify,
    )

    def token() -> str | None:
        value = credential.token()
        register_secret(value)  # e.g. a fresh App installation token: masked in every message
        return value

    http = GitHubHttp(
        github.base_url,
        github.graphql_url,
        token,
        limiter,
        credential=credential.description,
        timeout=timeout,
    )
    return http, credential


@dataclass
class Tracked:
    """A collection run being recorded: its result, its cursor and what it cost."""

    result: RunResult
    run_id: int
    before: RequestStats | None  # None: only `shared` and `own` below are this run's cost
    cursor: dict[str, Any] | None = None
    keep_cursor_when_stopped: bool = False
    status: str | None = None
    problem: str | None = None  # with status "partial": what part failed (the rest is stored)
    shared_requests: float = 0.0  # its part of batched GraphQL queries
    shared_points: float = 0.0
    own: RequestStats | None = None


@dataclass
class Target:
    state: RepoState
    repository_id: int
    watchers: int | None


class GitHubCollection:
    """One collection: an HTTP client, one database session, the runs it records."""

    def __init__(
        self,
        context: Context,
        http: GitHubHttp,
        credential: Credential,
        progress: ProgressFactory | None,
        clock: Callable[[], float],
    ) -> None:
        self.config = context.config
        self.engine = context.engine
        self.http = http
        self.credential = credential
        self.rest = RestApi(http)
        self.pipeline = RepositoryPipeline(http)
        self.progress = progress
        self.clock = clock
        self.bots = context.bots
        self.results: list[RunResult] = []
        self.session = Session(context.engine)
        self.resolver = PeopleResolver(self.session, self.bots)
        self.listed: set[str] = set()  # repositories the organization listings showed (lower)
        self.members: set[str] = set()  # member logins (lower case), all organizations
        self.member_people: set[int] = set()
        self.members_complete = True
        affiliation = self.config.affiliation
        self.employer = affiliation.organization if affiliation else None

    def __enter__(self) -> GitHubCollection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.http.session.close()

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock(), UTC).date()

    def run(self, orgs: list[str], explicit: list[str], *, upstream: bool) -> list[RunResult]:
        try:
            for login in orgs:
                self.organization(login)
            unlisted = [name for name in explicit if name.lower() not in self.listed]
            if unlisted:
                self.explicit_repositories(unlisted)
            if orgs and self.members_complete and self.employer:
                yesterday = self.today() - timedelta(days=1)
                close_memberships(self.session, self.employer, self.member_people, yesterday)
                self.session.commit()
            if orgs or explicit:
                self.commit_authors(_scope(orgs, explicit))
            if upstream:
                self.upstream()
        except (AuthenticationError, RateLimitStop):
            pass  # recorded on the run it stopped; the next collection resumes from there
        return self.results

    def commit_authors(self, scope: Scope) -> None:
        """Link commit author e-mails to the logins GitHub reports for them, then regroup
        people (see ospo_metrics.collect.commit_authors)."""
        if not self.credential.authenticated:
            return
        cursor = last_cursor(self.session, COLLECTOR, COMMIT_AUTHORS)
        emails, names = pending_commit_authors(self.session, scope, cursor)
        if not emails:
            return  # nothing new: no query, no run
        with self.tracked(COMMIT_AUTHORS) as run:
            linked = link_commit_authors(self.session, self.http, emails, names, run.result, cursor)
            run.cursor = {"missing": linked.missing}
            if linked.logins:
                apply_curation(self.session, self.bots, self.config)
                self.session.commit()
                self.resolver = PeopleResolver(self.session, self.bots)  # people moved

    # ---- runs -------------------------------------------------------------------------------

    @contextmanager
    def tracked(self, target: str, *, keep_cursor_when_stopped: bool = False) -> Iterator[Tracked]:
        tracked = self.start(target)
        tracked.keep_cursor_when_stopped = keep_cursor_when_stopped
        try:
            yield tracked
        except RateLimitStop as exc:
            self.finish(tracked, "partial", str(exc))
            raise
        except AuthenticationError as exc:
            self.finish(tracked, "failed", str(exc))
            raise
        except CollectorError as exc:
            self.finish(tracked, "failed", str(exc))
        except BaseException:
            self.finish(tracked, "interrupted", "interrupted")
            raise
        else:
            self.finish(tracked, tracked.status, tracked.problem)

    def start(self, target: str, *, shared: bool = False) -> Tracked:
        result = RunResult(collector=COLLECTOR, target=target, status="running")
        self.results.append(result)
        before = None if shared else self.http.stats.snapshot()
        return Tracked(result, start_run(self.engine, COLLECTOR, target), before)

    def finish(self, tracked: Tracked, status: str | None, error: str | None = None) -> None:
        if error is not None:
            self._discard()
        result = tracked.result
        result.status = status or ("ok" if result.items_written else "unchanged")
        result.error = redact(error) if error is not None else None
        cost = self.http.stats.since(tracked.before) if tracked.before else RequestStats()
        if tracked.own:
            cost = tracked.own
        result.requests_made = cost.requests_made + round(tracked.shared_requests)
        result.rate_limit_used = cost.rate_limit_used + round(tracked.shared_points)
        result.details.update({k: v for k, v in cost.as_dict().items() if v})
        keep = error is None or (tracked.keep_cursor_when_stopped and status == "partial")
        finish_run(
            self.engine,
            tracked.run_id,
            result.status,
            error=error,
            cursor=tracked.cursor if keep else None,
            items_seen=result.items_seen,
            items_written=result.items_written,
            requests_made=result.requests_made,
            rate_limit_used=result.rate_limit_used,
        )

    # ---- organizations and their repositories -----------------------------------------------

    def organization(self, login: str) -> None:
        names = self._organization(login)
        if names is not None:
            collect_forks(self, names, f"{FORKS_PREFIX}{login}")

    def _organization(self, login: str) -> list[str] | None:
        """The organization's run; the names it listed (None: the run failed)."""
        target = f"org:{login}"
        listed: list[str] | None = None
        with self.tracked(target, keep_cursor_when_stopped=True) as run:
            cache = ConditionalCache.load(
                (latest_cursor(self.session, COLLECTOR, target) or {}).get("etags")
            )
            info = self.rest.organization(login, cache)
            try:
                _, members = self.rest.members(login, cache)
            except (RateLimitStop, AuthenticationError):
                raise  # the run stops here (and says so); it must not go on without members
            except CollectorError as exc:  # e.g. a token without read:org
                log.warning("GitHub: members of %s not readable: %s", login, exc)
                self.members_complete, members = False, []
            fresh, names = self.rest.org_repositories(login, cache)
            if _short(info, names):
                # Never trust a cached "no next page" over a count GitHub gives: list again
                # without ETags (a 304 on page 1 would otherwise freeze a short listing).
                log.warning(
                    "GitHub: %s lists %d repositories but counts %s; listing again",
                    login,
                    len(names),
                    info.repositories or info.public_repositories,
                )
                relisted = ConditionalCache()
                fresh, names = self.rest.org_repositories(login, relisted)
                cache.entries.update(relisted.used)
                cache.used.update(relisted.used)
            org_id, written = upsert_organization(
                self.session,
                PLATFORM,
                info.login,
                {"name": info.name, "relationship": "owned", "platform_id": info.platform_id},
            )
            written += self._store_repositories(fresh, org_id)
            written += self._store_members(members)
            written += sync_listed_repositories(
                self.session,
                org_id,
                names,
                f"no longer listed in organization {login} (deleted, renamed, transferred or "
                "hidden from this credential)",
            )
            self.session.commit()
            run.cursor = {"etags": cache.dump()}
            run.result.items_written += written
            run.result.items_seen = len(names)
            self.listed |= {name.lower() for name in names}
            self.repositories(self._targets(names), run, f"github {login}")
            listed = names
        return listed

    def explicit_repositories(self, names: list[str]) -> None:
        targets = []
        cursors = last_cursors(self.session, COLLECTOR, names)
        stored = stored_repositories(self.session, PLATFORM, names, ("unavailable_reason",))
        for name in names:
            with self.tracked(name) as run:
                cursor = cursors.get(name, {})
                # An unavailable repository is asked again without its ETag: a 304 would
                # otherwise keep it unavailable for good after it came back.
                unavailable = (stored.get(name) or {}).get("unavailable_reason") is not None
                etag = None if unavailable else cursor.get("meta_etag")
                try:
                    info, etag = self.rest.repository(name, etag)
                except RepositoryUnavailable as exc:
                    self._unavailable(name, exc.reason)
                    raise CollectorError(str(exc)) from None
                owner = self.session.scalar(
                    select(Organization.id).where(
                        Organization.platform == PLATFORM,
                        Organization.login == name.split("/")[0],
                    )
                )
                if info is not None:
                    run.result.items_written += self._store_repositories([info], owner)
                self.session.commit()
                # The history run that follows starts from this cursor (the newest finished).
                run.cursor = {**cursor, "meta_etag": etag}
            targets += self._targets([name])  # none when it turned out unavailable
        if targets:
            with self.tracked("repositories") as run:
                self.repositories(targets, run, "github repositories")
            collect_forks(self, [t.state.full_name for t in targets], FORKS_EXPLICIT_TARGET)

    def _store_repositories(self, infos: list[RepositoryInfo], org_id: int | None) -> int:
        names = [info.full_name for info in infos]
        # Same id, new name (a rename or transfer): one row and one history, not two.
        follow_renames(self.session, PLATFORM, [(i.full_name, i.platform_id) for i in infos])
        stored = stored_repositories(self.session, PLATFORM, names, METADATA + OWNERSHIP)
        written = 0
        for info in infos:
            values = _repository_values(info)
            values.update(organization_id=org_id, relationship="owned", unavailable_reason=None)
            old = stored.get(info.full_name)
            if old is None or any(old.get(k) != v for k, v in values.items()):
                ensure_repository(self.session, PLATFORM, info.full_name, **values)
                written += 1
        return written

    def _store_members(self, members: list[Actor]) -> int:
        people = {
            self.resolver.resolve(None, login=member.login)
            for member in members
            if not member.is_bot
        }
        self.members |= {member.login.lower() for member in members if not member.is_bot}
        self.member_people |= people
        if not self.employer:
            return 0
        return record_memberships(self.session, people, self.employer, self.today())

    def _discard(self) -> None:
        """Drop what a failure left half-written, and the people it may have created."""
        self.session.rollback()
        self.resolver = PeopleResolver(self.session, self.bots)  # its cache may name them

    def _unavailable(self, full_name: str, reason: str) -> None:
        self._discard()
        ensure_repository(self.session, PLATFORM, full_name, unavailable_reason=reason)
        self.session.commit()
        log.warning("GitHub: %s is unavailable: %s", full_name, reason)

    def _targets(self, names: list[str]) -> list[Target]:
        rows = stored_repositories(
            self.session, PLATFORM, names, ("id", "pushed_at", "is_fork", "watchers", *OWNERSHIP)
        )
        cursors = last_cursors(self.session, COLLECTOR, list(rows))
        return [
            Target(
                RepoState(name, cursors.get(name, {}), bool(row["is_fork"]), row["pushed_at"]),
                row["id"],
                row["watchers"],
            )
            for name in names
            if (row := rows.get(name)) is not None and row["unavailable_reason"] is None
        ]

    def repositories(self, targets: list[Target], parent: Tracked, label: str) -> None:
        """Probe every repository, then fetch and store what changed, group by group."""
        if not self.credential.authenticated:
            parent.result.details["history_skipped"] = len(targets)
            return
        report = self.progress(label) if self.progress else None
        by_name = {t.state.full_name: t for t in targets}
        runs: dict[str, Tracked] = {}

        def stored(name: str) -> dict[int, datetime | None]:
            return issue_versions(self.session, by_name[name].repository_id)

        try:
            for event in self.pipeline.run([t.state for t in targets], stored):
                name = getattr(event, "full_name", "")
                if isinstance(event, Probed):
                    parent.result.items_written += self._probed(by_name[name], event)
                elif isinstance(event, Started):
                    self.session.commit()
                    runs[name] = self.start(name, shared=True)
                elif isinstance(event, Fetched):
                    parent.result.items_written += self._fetched(by_name[name], event, runs[name])
                elif isinstance(event, Finished):
                    parent.result.items_written += self._finished(
                        by_name[name], event, runs.pop(name)
                    )
                elif isinstance(event, Failed):
                    self.session.commit()
                    tracked = runs.pop(name, None) or self.start(name)
                    if event.unavailable:
                        self._unavailable(name, event.reason)
                    self.finish(tracked, "failed", f"{name}: {event.reason}")
                elif isinstance(event, Progress) and report:
                    report(event.done, event.total)
            self.session.commit()
        except RateLimitStop as exc:
            self._abandon(runs, "partial", str(exc))
            raise
        except AuthenticationError as exc:
            self._abandon(runs, "failed", str(exc))
            raise
        except BaseException:
            self._abandon(runs, "interrupted", "interrupted")
            raise

    def _abandon(self, runs: dict[str, Tracked], status: str, error: str) -> None:
        for tracked in runs.values():
            self.finish(tracked, status, error)
        runs.clear()

    def _probed(self, target: Target, event: Probed) -> int:
        written = 0
        if event.watchers is not None and event.watchers != target.watchers:
            self.session.execute(
                update(Repository)
                .where(Repository.id == target.repository_id)
                .values(watchers=event.watchers)
            )
            written += 1
        security = event.security_policy
        if not target.state.is_fork and security is not None:
            detail = "security policy found" if security else None
            written += update_compliance(
                self.session,
                target.repository_id,
                [("SECURITY", bool(security), detail)],
                utcnow(),
            )
        return written

    def _fetched(self, target: Target, event: Fetched, tracked: Tracked) -> int:
        rows = [self._issue_row(item) for item in event.items]
        activities = {
            item.number: [self._activity_row(a) for a in item.activities] for item in event.items
        }
        written = write_issues(self.session, target.repository_id, rows, activities, PLATFORM)
        self.session.commit()
        tracked.result.items_seen += len(event.items)
        tracked.result.items_written += written
        tracked.shared_requests += event.requests
        tracked.shared_points += event.points
        return written

    def _finished(self, target: Target, event: Finished, tracked: Tracked) -> int:
        repo_id = target.repository_id
        written = 0
        if event.releases:
            rows = [asdict(release) for release in event.releases]  # named like the columns
            written += upsert_releases(self.session, repo_id, rows)
        if event.checks:
            checks = [(c.check, bool(c.passed), c.detail) for c in event.checks]
            written += update_compliance(self.session, repo_id, checks, utcnow())
        if event.review_comments:
            ids = issue_ids(self.session, repo_id, {c.pull_number for c in event.review_comments})
            rows = [
                {
                    **self._activity_row(c.activity),
                    "issue_id": ids[c.pull_number],
                    "platform": "github",
                }
                for c in event.review_comments
                if c.pull_number in ids  # else its pull request vanished meanwhile
            ]
            written += upsert_comments(self.session, rows)
        self.session.commit()
        tracked.result.items_written += written
        tracked.own = event.cost
        tracked.cursor = event.cursor
        self.finish(tracked, None)
        return written

    # ---- rows -------------------------------------------------------------------------------

    def _person(self, actor: Actor | None) -> int | None:
        return self.resolver.resolve(None, login=actor.login) if actor else None

    def _is_bot(self, actor: Actor) -> bool:
        return actor.is_bot or self.bots.is_bot(login=actor.login)

    def _issue_row(self, item: IssueItem) -> dict[str, Any]:
        return issue_row(item, self._person, self._is_bot)

    def _activity_row(self, activity: Activity) -> dict[str, Any]:
        return activity_row(activity, self._person)

    # ---- upstream ---------------------------------------------------------------------------

    def upstream(self) -> None:
        """Pull requests of our people in repositories we do not own, found by search."""
        upstream = self.config.upstream
        if upstream.track == "none":
            return
        logins = set(self.members)
        if upstream.track == "employees" and self.config.affiliation is not None:
            logins |= {
                person.login.lower()
                for person in self.config.affiliation.people
                if person.login and person.organization == self.employer
            }
        if not logins and not upstream.repositories:
            return
        with self.tracked(UPSTREAM_TARGET) as run:
            cursor = last_cursor(self.session, COLLECTOR, UPSTREAM_TARGET) or {}
            etags: dict[str, str] = dict(cursor.get("etags", {}))
            now = datetime.fromtimestamp(self.clock(), UTC).replace(microsecond=0)
            since = (
                datetime.combine(upstream.since, datetime.min.time(), UTC)
                if upstream.since
                else now - timedelta(days=DEFAULT_UPSTREAM_DAYS)
            )
            if upstream.since and cursor.get("since") != iso(since):
                cursor = {}  # the window moved: search everyone's history again
            owned = {
                name.lower()
                for name in self.session.scalars(
                    select(Repository.full_name).where(Repository.relationship == "owned")
                )
            }
            search = UpstreamSearch(self.rest)
            refreshed: set[str] = set()
            pending: list[UpstreamPull] = []
            for batch, start in search_windows(cursor, sorted(logins), since):
                for pull in search.pulls(batch, self.config.organizations, start, now):
                    run.result.items_seen += 1
                    if pull.item.created_at >= since and pull.repository.lower() not in owned:
                        pending.append(pull)
                    if len(pending) >= 100:
                        run.result.items_written += self._store_upstream(pending, etags, refreshed)
                        pending = []
            run.result.items_written += self._store_upstream(pending, etags, refreshed)
            for name in upstream.repositories:
                if name.lower() not in owned:
                    run.result.items_written += self._upstream_repository(name, etags, None)[1]
            self.session.commit()
            run.cursor = {
                "until": iso(now),
                "since": iso(since) if upstream.since else None,
                "logins": sorted(logins),
                "etags": etags,
            }

    def _store_upstream(
        self, pulls: list[UpstreamPull], etags: dict[str, str], refreshed: set[str]
    ) -> int:
        by_repo: dict[str, list[IssueItem]] = {}
        for pull in pulls:
            by_repo.setdefault(pull.repository, []).append(pull.item)
        written = 0
        for name, items in by_repo.items():
            repo_id, changed = self._upstream_repository(name, etags, refreshed)
            stored = issue_versions(self.session, repo_id)
            rows = [self._issue_row(i) for i in items if stored.get(i.number) != i.updated_at]
            written += changed + write_issues(self.session, repo_id, rows, None, PLATFORM)
        self.session.commit()
        return written

    def _upstream_repository(
        self, name: str, etags: dict[str, str], refreshed: set[str] | None
    ) -> tuple[int, int]:
        """(id, rows written) of an upstream repository. Its metadata is read when it is new,
        and re-read conditionally once per run when it has new pull requests."""
        repo_id = self.session.scalar(
            select(Repository.id).where(
                Repository.platform == PLATFORM, Repository.full_name == name
            )
        )
        if repo_id is not None and (refreshed is None or name in refreshed):
            return repo_id, 0
        if refreshed is not None:
            refreshed.add(name)
        try:
            info, etag = self.rest.repository(name, etags.get(name) if repo_id else None)
        except RepositoryUnavailable as exc:
            if repo_id is not None:
                return repo_id, 0
            values = {"relationship": "upstream", "unavailable_reason": exc.reason}
            return ensure_repository(self.session, PLATFORM, name, **values), 1
        etags[name] = etag
        if info is None:
            return repo_id, 0
        values = {**_repository_values(info), "relationship": "upstream"}
        return ensure_repository(self.session, PLATFORM, name, **values), 1


def issue_row(
    item: IssueItem,
    person: Callable[[Actor | None], int | None],
    is_bot: Callable[[Actor], bool],
) -> dict[str, Any]:
    """The `issues` row of an item; `person` gives an account's person id."""
    return {
        "number": item.number,
        "platform_id": item.platform_id,
        "is_pull_request": item.is_pull_request,
        "title": item.title,
        "author_id": person(item.author),
        "author_login": item.author.login if item.author else None,
        "state": item.state,
        "is_draft": item.is_draft,
        "labels": list(item.labels),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "merged_at": item.merged_at,
        # Search results carry no comments: upstream items get no first response.
        "first_response_at": item.first_response_at(is_bot) if item.complete else None,
        "html_url": item.html_url,
    }


def activity_row(
    activity: Activity, person: Callable[[Actor | None], int | None]
) -> dict[str, Any]:
    """The `comments` row of a comment or review (without its issue id)."""
    return {
        "kind": activity.kind,
        "source_id": activity.source_id,
        "author_id": person(activity.author),
        "author_login": activity.author.login if activity.author else None,
        "created_at": activity.created_at,
        "review_state": activity.review_state,
    }


def repository_values(info: RepositoryInfo) -> dict[str, Any]:
    """The `repositories` columns of a listed repository."""
    return _repository_values(info)


def _short(info: Any, names: list[str]) -> bool:
    """True when a listing holds fewer repositories than the organization counts."""
    expected = info.repositories if info.repositories is not None else info.public_repositories
    return expected is not None and len(set(names)) < expected


def _repository_values(info: RepositoryInfo) -> dict[str, Any]:
    values = {name: getattr(info, name) for name in METADATA}
    values["topics"] = list(info.topics)
    if values["watchers"] is None:
        del values["watchers"]  # the listing does not know it: keep what the probe stored
    return values
