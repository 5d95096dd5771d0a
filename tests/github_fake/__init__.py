"""A fake GitHub (REST v3 + GraphQL) HTTP server for tests, with no internet access.

    from github_fake import FakeGitHub, generate_org

    with FakeGitHub(generate_org("acme", n_repos=50)) as gh:
        Github(auth=Auth.Token(gh.token), base_url=gh.url)       # PyGithub (REST)
        requests.post(gh.graphql_url, json={"query": ...},       # GraphQL
                      headers={"Authorization": f"bearer {gh.token}"})

Modules: ``model`` (dataclasses + mutation helpers), ``generate`` (deterministic orgs),
``rest`` (REST JSON + routes), ``graphql_api`` (schema, cost, resolvers), ``search`` (query
language), ``server`` (HTTP, auth, rate limits, ETags, faults, request log), ``fixtures``.
"""

from .generate import generate_org
from .graphql_api import SchemaMissing, load_schema, schema_path
from .model import (
    COMMUNITY_FILES,
    DEFAULT_NOW,
    Comment,
    GitHubModel,
    Issue,
    Label,
    Organization,
    PullRequest,
    Release,
    Repository,
    Review,
    ReviewComment,
    User,
    iso,
    parse_iso,
)
from .server import FAULT_KINDS, Bucket, FakeGitHub, Fault, Faults, RequestRecord

__all__ = [
    "COMMUNITY_FILES",
    "DEFAULT_NOW",
    "FAULT_KINDS",
    "Bucket",
    "Comment",
    "FakeGitHub",
    "Fault",
    "Faults",
    "GitHubModel",
    "Issue",
    "Label",
    "Organization",
    "PullRequest",
    "Release",
    "Repository",
    "RequestRecord",
    "Review",
    "ReviewComment",
    "SchemaMissing",
    "User",
    "generate_org",
    "iso",
    "load_schema",
    "parse_iso",
    "schema_path",
]
