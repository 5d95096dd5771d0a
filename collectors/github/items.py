"""What the GitHub collector yields: small dataclasses, free of HTTP and of the database.

REST and GraphQL describe the same things differently (REST calls a bot `dependabot[bot]` of
type Bot, GraphQL calls it `dependabot` with `__typename: Bot`); everything is normalized here
so one account is one login, whichever API it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

BOT_SUFFIX = "[bot]"


def parse_time(value: str | datetime | None) -> datetime | None:
    """GitHub's ISO 8601 timestamps (`...Z`) or PyGithub datetimes, as aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        stamp = value
    else:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """The form GitHub uses and accepts back (`2025-01-31T12:00:00Z`)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Actor:
    """An account as REST names it: bots keep their `[bot]` suffix, so both APIs agree."""

    login: str
    is_bot: bool = False

    @classmethod
    def from_graphql(cls, node: dict | None) -> Actor | None:
        if not node or not node.get("login"):
            return None  # a deleted account ("ghost")
        login = node["login"]
        is_bot = node.get("__typename") == "Bot"
        if is_bot and not login.endswith(BOT_SUFFIX):
            login += BOT_SUFFIX
        return cls(login=login, is_bot=is_bot)

    @classmethod
    def from_rest(cls, user: dict | None) -> Actor | None:
        if not user or not user.get("login"):
            return None
        login = user["login"]
        return cls(login=login, is_bot=user.get("type") == "Bot" or login.endswith(BOT_SUFFIX))


@dataclass(frozen=True)
class OrganizationInfo:
    login: str
    platform_id: int | None
    name: str | None
    public_repositories: int | None = None  # what a complete listing holds at least
    repositories: int | None = None  # what it holds, when the credential may see private ones


@dataclass(frozen=True)
class RepositoryInfo:
    """Repository metadata from the REST listing (watchers come from GraphQL, see probes)."""

    full_name: str
    platform_id: int | None
    is_fork: bool | None
    is_archived: bool | None
    visibility: str | None
    license_spdx: str | None
    stars: int | None
    forks: int | None
    open_issues: int | None
    default_branch: str | None
    topics: tuple[str, ...]
    description: str | None
    created_at: datetime | None
    pushed_at: datetime | None
    watchers: int | None = None
    clone_url: str | None = None
    size_kb: int | None = None  # GitHub's `size`


@dataclass(frozen=True)
class Activity:
    """A conversation comment, a review or a review comment on an issue or pull request."""

    kind: str  # comment | review | review_comment
    source_id: int
    author: Actor | None
    created_at: datetime
    review_state: str | None = None


@dataclass
class IssueItem:
    """An issue or a pull request with every comment and review it has."""

    number: int
    platform_id: int | None
    is_pull_request: bool
    title: str
    author: Actor | None
    state: str  # open | closed | merged
    is_draft: bool
    labels: list[str]
    created_at: datetime
    updated_at: datetime | None
    closed_at: datetime | None
    merged_at: datetime | None
    html_url: str | None
    activities: list[Activity] = field(default_factory=list)
    # False when the item came from search (upstream): comments were not read.
    complete: bool = True

    def first_response_at(self, is_bot: Callable[[Actor], bool]) -> datetime | None:
        return first_response_at(self.author, self.activities, is_bot)


def first_response_at(
    author: Actor | None, activities: Iterable[Activity], is_bot: Callable[[Actor], bool]
) -> datetime | None:
    """When someone other than the author, and not a bot, first commented or reviewed.

    Review comments are not needed: each belongs to a review submitted no later than it is
    visible, and a pending review is invisible until it is submitted.
    """
    own = author.login.lower() if author else None
    times = [
        activity.created_at
        for activity in activities
        if activity.kind in ("comment", "review")
        and activity.author is not None
        and activity.author.login.lower() != own
        and not is_bot(activity.author)
    ]
    return min(times, default=None)


@dataclass(frozen=True)
class ReleaseItem:
    tag: str
    name: str | None
    published_at: datetime | None
    is_prerelease: bool
    is_draft: bool


@dataclass(frozen=True)
class ForkItem:
    """A fork of one of our repositories, as `GET /repos/{owner}/{repo}/forks` lists it."""

    platform_id: int
    full_name: str
    owner_login: str
    owner_type: str  # User | Organization | Bot
    created_at: datetime


@dataclass(frozen=True)
class ComplianceItem:
    check: str  # README | LICENSE | CONTRIBUTING | CODE_OF_CONDUCT | SECURITY | ISSUE_TEMPLATE
    passed: bool
    detail: str | None


@dataclass(frozen=True)
class ReviewCommentItem:
    pull_number: int
    activity: Activity
    updated_at: datetime | None


@dataclass(frozen=True)
class UpstreamPull:
    """A pull request found by search in a repository the organization does not own."""

    repository: str  # owner/name
    item: IssueItem
