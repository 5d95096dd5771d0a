"""Which collection-run targets the configuration still asks for.

Runs are kept as history, but a failure of a source taken out of the configuration (a removed
repository or organization) is not a current failure: the Data sources page and its
"Sources failing" count look only at targets the configuration still names.
"""

from __future__ import annotations

import re

from ospo_metrics.config import Config

# Targets that stand for a whole collection rather than one repository.
COLLECTION_TARGETS = ("github", "repositories", "mirrors")
_REPOSITORY_RE = re.compile(r"[a-z0-9][a-z0-9-]*/[a-z0-9._-]+")


def is_configured(config: Config, collector: str, target: str) -> bool:
    """True when `target` (of `collector`) is something the configuration collects now."""
    if collector == "releases":  # deps.dev release dates: while `compliance.registry` is on
        return config.compliance.registry.fetch
    orgs = {login.lower() for login in config.organizations}
    name = target.lower()
    if name in COLLECTION_TARGETS:
        return True
    if name == "upstream":
        return config.upstream.track != "none" or bool(config.upstream.repositories)
    if name.startswith("org:"):
        return name[4:] in orgs
    if name.startswith("forks:"):  # the fork listing of an organization or of `github:` ones
        return name[6:] in orgs or (name == "forks:repositories" and bool(config.repositories))
    name = name.removeprefix("github:")  # GitHub SBOM runs
    if not _REPOSITORY_RE.fullmatch(name):
        return True  # e.g. a file an `import` command read: not a configured source
    repositories = {entry.full_name.lower() for entry in config.repositories}
    repositories |= {full_name.lower() for full_name in config.upstream.repositories}
    return name in repositories or name.split("/")[0] in orgs
