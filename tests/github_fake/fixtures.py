"""pytest fixtures for the fake GitHub server.

Enable with ``pytest_plugins = ["github_fake.fixtures"]`` in the top-level ``tests/conftest.py``
(or import the fixtures into a test module).

- ``github_schema``: the built GraphQL schema. When the schema file is missing the test fails
  if ``$CI`` is set, otherwise it is skipped with instructions to fetch it.
- ``github_server_factory(model=None, **FakeGitHub kwargs)``: start extra servers (stopped at
  teardown), e.g. with ``generate_org(n_repos=500)`` or ``core_limit=50``.
- ``github_server``: a started :class:`FakeGitHub` over ``generate_org()`` (org ``acme``,
  12 repositories); token ``github_server.token``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .generate import generate_org
from .graphql_api import FETCH_HINT, SchemaMissing, load_schema
from .model import GitHubModel
from .server import FakeGitHub


def require_schema() -> Any:
    """Load the schema or fail (CI) / skip (local) with a message saying how to fetch it."""
    try:
        return load_schema()
    except SchemaMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (CI must fetch the GitHub GraphQL schema)", pytrace=False)
        pytest.skip(f"GitHub GraphQL schema missing; fetch it with: {FETCH_HINT}")


@pytest.fixture(scope="session")
def github_schema() -> Any:
    return require_schema()


@pytest.fixture
def github_server_factory(github_schema: Any) -> Iterator[Callable[..., FakeGitHub]]:
    servers: list[FakeGitHub] = []

    def make(model: GitHubModel | None = None, **kwargs: Any) -> FakeGitHub:
        server = FakeGitHub(model if model is not None else generate_org(), **kwargs)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def github_server(github_server_factory: Callable[..., FakeGitHub]) -> FakeGitHub:
    return github_server_factory()
