"""REST v3 resources: organizations, members, repositories, releases, forks, community
profiles, review comments and issue search.

Requests go through :class:`~collectors.github.http.GitHubHttp` (counted, conditional, paged;
see its docstring for why not through PyGithub's requester); the JSON is then read through
PyGithub's typed classes (`Github.create_from_raw_data`), so field names and date parsing
follow PyGithub's model of GitHub's REST API rather than hand-written dictionary access.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from github import Github
from github.GithubObject import GithubObject
from github.GitRelease import GitRelease
from github.Issue import Issue
from github.NamedUser import NamedUser
from github.Organization import Organization
from github.PullRequestComment import PullRequestComment
from github.Repository import Repository

from collectors.base import CollectorError
from collectors.github.errors import GitHubApiError, GitHubUnreachable
from collectors.github.http import ConditionalCache, GitHubHttp
from collectors.github.items import (
    Activity,
    Actor,
    ComplianceItem,
    ForkItem,
    IssueItem,
    OrganizationInfo,
    ReleaseItem,
    RepositoryInfo,
    ReviewCommentItem,
    UpstreamPull,
    iso,
    parse_time,
)

T = TypeVar("T", bound=GithubObject)

# Community profile `files` keys -> our check names (SECURITY is not in the profile: it comes
# from GraphQL's `isSecurityPolicyEnabled`, read by the probe).
PROFILE_CHECKS = {
    "README": ("readme",),
    "LICENSE": ("license",),
    "CONTRIBUTING": ("contributing",),
    "CODE_OF_CONDUCT": ("code_of_conduct", "code_of_conduct_file"),
    "ISSUE_TEMPLATE": ("issue_template",),
}


class RestApi:
    def __init__(self, http: GitHubHttp) -> None:
        self.http = http
        # Only a factory for typed objects: created without credentials and never asked to
        # send a request (every object is built `completed`, so no lazy fetch can happen).
        self._typing = Github(base_url=http.base_url, retry=None, seconds_between_requests=None)

    def _typed(self, klass: type[T], raw: dict[str, Any]) -> T:
        if not isinstance(raw, dict):
            raise GitHubApiError(
                f"GitHub sent a {type(raw).__name__} where a {klass.__name__} object was expected"
            )
        return self._typing.create_from_raw_data(klass, raw)

    # ---- organization -----------------------------------------------------------------------

    def organization(self, login: str, cache: ConditionalCache) -> OrganizationInfo:
        path = f"/orgs/{login}"
        entry = cache.get(self.http.key(self.http.url(path)))
        try:
            answer = self.http.get(path, etag=entry["etag"] if entry else None)
        except GitHubUnreachable:
            raise
        except GitHubApiError as exc:
            raise CollectorError(
                f"organization {login!r} cannot be read: {exc} (is the login right, and can "
                "the credential see it?)"
            ) from None
        if answer.status == 304 and entry:
            data = entry["data"]
        else:
            with malformed(f"organization {login}"):
                org = self._typed(Organization, answer.body)
                data = {"login": org.login, "id": org.id, "name": org.name}
                # What the listing can be checked against: public repositories, plus private
                # ones when the credential may see their number (members with read:org).
                data["public_repos"] = answer.body.get("public_repos")
                data["total_private_repos"] = answer.body.get("total_private_repos")
            cache.put(self.http.key(answer.url), answer.etag, data)
        public, private = data.get("public_repos"), data.get("total_private_repos")
        return OrganizationInfo(
            login=data["login"],
            platform_id=data["id"],
            name=data["name"],
            public_repositories=public,
            repositories=public + private if public is not None and private is not None else None,
        )

    def members(self, login: str, cache: ConditionalCache) -> tuple[bool, list[Actor]]:
        """Organization members (all of them if the credential belongs to a member)."""
        changed, members = False, []
        for page in self.http.pages(
            f"/orgs/{login}/members",
            cache=cache,
            project=lambda items: [[u["login"], u.get("type") == "Bot"] for u in items],
        ):
            if page.fresh:
                changed = True
                for raw in page.items:
                    with malformed(f"a member of {login}"):
                        user = self._typed(NamedUser, raw)
                        members.append(Actor(user.login, is_bot=user.type == "Bot"))
            else:
                members.extend(Actor(name, is_bot=bot) for name, bot in page.items)
        return changed, members

    def org_repositories(
        self, login: str, cache: ConditionalCache
    ) -> tuple[list[RepositoryInfo], list[str]]:
        """(metadata of repositories on pages that changed, full names of all repositories).

        Sorted by name so a new repository changes only the pages from its place onwards.
        """
        fresh: list[RepositoryInfo] = []
        names: list[str] = []
        for page in self.http.pages(
            f"/orgs/{login}/repos",
            {"type": "all", "sort": "full_name", "direction": "asc"},
            cache=cache,
            project=lambda items: [r["full_name"] for r in items],
        ):
            if page.fresh:
                with malformed(f"the repository listing of {login}"):
                    infos = [self.repository_info(raw) for raw in page.items]
                fresh.extend(infos)
                names.extend(info.full_name for info in infos)
            else:
                names.extend(page.items)
        return fresh, names

    def repository(self, full_name: str, etag: str | None) -> tuple[RepositoryInfo | None, str]:
        """One repository's metadata; None when unchanged since `etag` (a free 304)."""
        answer = self.http.get(f"/repos/{full_name}", etag=etag, repository=full_name)
        if answer.status == 304:
            return None, etag or ""
        with malformed(full_name):
            return self.repository_info(answer.body), answer.etag or ""

    def repository_info(self, raw: dict[str, Any]) -> RepositoryInfo:
        repo = self._typed(Repository, raw)
        license_ = repo.license
        return RepositoryInfo(
            full_name=repo.full_name,
            platform_id=repo.id,
            is_fork=repo.fork,
            is_archived=repo.archived,
            visibility=repo.visibility or ("private" if repo.private else "public"),
            license_spdx=license_.spdx_id if license_ is not None else None,
            stars=repo.stargazers_count,
            forks=repo.forks_count,
            open_issues=repo.open_issues_count,
            default_branch=repo.default_branch,
            topics=tuple(repo.topics or ()),
            description=repo.description,
            created_at=parse_time(repo.created_at),
            pushed_at=parse_time(repo.pushed_at),
            # The listing's watchers_count is the star count (a legacy quirk); the real
            # number of watchers is subscribers_count, present on single-repository answers.
            watchers=raw.get("subscribers_count"),
            clone_url=_clean_url(raw.get("clone_url")),
            size_kb=raw.get("size") if isinstance(raw.get("size"), int) else None,
        )

    # ---- per repository ---------------------------------------------------------------------

    def releases(self, full_name: str) -> list[ReleaseItem]:
        """Every release. A 404 here is an error of this listing, not "the repository is
        gone": the repository was just probed, and a transient 404 must not retire it."""
        out = []
        for page in self.http.pages(f"/repos/{full_name}/releases"):
            for raw in page.items:
                with malformed(f"a release of {full_name}"):
                    release = self._typed(GitRelease, raw)
                out.append(
                    ReleaseItem(
                        tag=release.tag_name,
                        name=release.name,
                        published_at=parse_time(release.published_at),
                        is_prerelease=bool(release.prerelease),
                        is_draft=bool(release.draft),
                    )
                )
        return out

    def forks(self, full_name: str, cache: ConditionalCache) -> tuple[list[ForkItem], list[int]]:
        """(forks on pages that changed, GitHub ids of every fork listed), oldest first.

        Oldest first, so a new fork changes only the last page: the pages before it answer
        304 (free of rate limit) and come back as the ids the cache kept.
        """
        fresh: list[ForkItem] = []
        ids: list[int] = []
        for page in self.http.pages(
            f"/repos/{full_name}/forks",
            {"sort": "oldest"},
            cache=cache,
            project=lambda items: [r.get("id") for r in items if isinstance(r, dict)],
        ):
            if page.fresh:
                with malformed(f"a fork of {full_name}"):
                    found = [self.fork_item(raw) for raw in page.items]
                fresh.extend(found)
                ids.extend(fork.platform_id for fork in found)
            else:
                ids.extend(int(i) for i in page.items if i is not None)
        return fresh, ids

    def fork_item(self, raw: dict[str, Any]) -> ForkItem:
        repo = self._typed(Repository, raw)
        created = parse_time(repo.created_at)
        if created is None or repo.owner is None:
            raise ValueError("a fork without owner or created_at")
        return ForkItem(
            platform_id=int(repo.id),
            full_name=str(repo.full_name),
            owner_login=str(repo.owner.login),
            owner_type=str(repo.owner.type or "User"),
            created_at=created,
        )

    def community(
        self, full_name: str, etag: str | None
    ) -> tuple[list[ComplianceItem] | None, str | None]:
        """Community-profile checks; None when unchanged since `etag`.

        GitHub serves no profile for forks (and some Enterprise versions none at all): a 404
        here says nothing about the repository, so it is not reported as unavailable.
        """
        try:
            answer = self.http.get(f"/repos/{full_name}/community/profile", etag=etag)
        except GitHubApiError as exc:
            if exc.status == 404:
                return [], None
            raise  # a 5xx after retries: the repository fails and is read again next run
        if answer.status == 304:
            return None, etag
        files = answer.body.get("files") or {}
        if not isinstance(files, dict):
            raise GitHubApiError(f"the community profile of {full_name} has no `files` mapping")
        checks = []
        for check, keys in PROFILE_CHECKS.items():
            found = next((files[key] for key in keys if files.get(key)), None)
            detail = None
            if found and check == "LICENSE":
                detail = found.get("spdx_id") or found.get("name")
            elif found:
                detail = found.get("html_url") or found.get("name")
            checks.append(ComplianceItem(check, found is not None, detail))
        return checks, answer.etag

    def review_comments(
        self, full_name: str, since: datetime | None
    ) -> Iterator[ReviewCommentItem]:
        params: dict[str, Any] = {"sort": "updated", "direction": "asc"}
        if since is not None:
            params["since"] = iso(since)
        for page in self.http.pages(f"/repos/{full_name}/pulls/comments", params):
            for raw in page.items:
                with malformed(f"a review comment of {full_name}"):
                    comment = self._typed(PullRequestComment, raw)
                    number = int(str(comment.pull_request_url).rstrip("/").rsplit("/", 1)[-1])
                yield ReviewCommentItem(
                    pull_number=number,
                    activity=Activity(
                        kind="review_comment",
                        source_id=comment.id,
                        author=Actor.from_rest(raw.get("user")),
                        created_at=parse_time(comment.created_at),
                    ),
                    updated_at=parse_time(comment.updated_at),
                )

    # ---- search -----------------------------------------------------------------------------

    def search_pulls(self, query: str) -> Iterator[tuple[int | None, list[UpstreamPull]]]:
        """Pages of `GET /search/issues` results as (total_count, pull requests)."""
        params = {"q": query, "sort": "updated", "order": "asc"}
        for page in self.http.pages("/search/issues", params, unwrap="items"):
            yield page.total, [self._upstream(raw) for raw in page.items]

    def _upstream(self, raw: dict[str, Any]) -> UpstreamPull:
        with malformed("a search result"):
            return self._upstream_pull(raw)

    def _upstream_pull(self, raw: dict[str, Any]) -> UpstreamPull:
        issue = self._typed(Issue, raw)
        pull = issue.pull_request
        merged_at = parse_time(pull.merged_at) if pull is not None else None
        owner, name = str(raw["repository_url"]).rstrip("/").split("/")[-2:]
        state = "merged" if merged_at else issue.state
        item = IssueItem(
            number=issue.number,
            platform_id=issue.id,
            is_pull_request=pull is not None,
            title=issue.title or "",
            author=Actor.from_rest(raw.get("user")),
            state=state,
            is_draft=bool(raw.get("draft")),
            labels=[label.name for label in issue.labels],
            created_at=parse_time(issue.created_at),
            updated_at=parse_time(issue.updated_at),
            closed_at=parse_time(issue.closed_at),
            merged_at=merged_at,
            html_url=issue.html_url,
            complete=False,
        )
        return UpstreamPull(repository=f"{owner}/{name}", item=item)


@contextmanager
def malformed(what: str) -> Iterator[None]:
    """Turn an answer PyGithub cannot read (a missing field, a wrong type) into an error of
    this request, so one bad answer fails one repository and not the whole run."""
    try:
        yield
    except GitHubApiError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise GitHubApiError(
            f"GitHub sent {what} that cannot be read ({type(exc).__name__}: "
            f"{str(exc)[:120]}); not used (the next run asks again)"
        ) from None


def _clean_url(value: object) -> str | None:
    """An http(s) clone URL without credentials, or None (never store a user:secret@ URL)."""
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        return None
    return None if "@" in value.split("/")[2] else value
