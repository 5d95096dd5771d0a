"""GitHub collector: organizations, members, repositories, issues, pull requests, comments,
reviews, releases, community profiles and upstream contributions, over REST and GraphQL.

Modules, from the wire up:

- :mod:`~collectors.github.http` -- the one counted `requests.Session` (auth header, rate
  limits, retries, conditional requests, `Link` pagination) and :class:`RequestStats`;
- :mod:`~collectors.github.ratelimit` -- the wait/stop policy for exhausted budgets;
- :mod:`~collectors.github.auth` -- a token from the environment, or a GitHub App installation;
- :mod:`~collectors.github.rest` -- REST resources read through PyGithub's typed classes;
- :mod:`~collectors.github.queries` and :mod:`~collectors.github.history` -- GraphQL probes
  and batched item details;
- :mod:`~collectors.github.cursor` -- what a repository cursor means and what is left to do;
- :mod:`~collectors.github.pipeline` -- the per-repository stream of events a runner stores;
- :mod:`~collectors.github.upstream` -- search for pull requests outside our organizations;
- :mod:`~collectors.github.items` -- the dataclasses all of them yield.

Like every collector it knows its source and nothing of the database: the runner is
:mod:`ospo_metrics.collect_github`.
"""

from collectors.github.errors import (
    AuthenticationError,
    GitHubApiError,
    RateLimitStop,
    RepositoryUnavailable,
)
from collectors.github.http import GitHubHttp, RequestStats
from collectors.github.pipeline import RepositoryPipeline, RepoState

__all__ = [
    "AuthenticationError",
    "GitHubApiError",
    "GitHubHttp",
    "RateLimitStop",
    "RepoState",
    "RepositoryPipeline",
    "RepositoryUnavailable",
    "RequestStats",
]
