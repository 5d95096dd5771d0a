"""Fast synthetic git histories for the demo, tests and benchmarks.

`writer` streams commits into `git fast-import` (50,000 commits in seconds, not hours);
`history` produces realistic, seeded sequences of commits to write.

``python -m ospo_metrics.gitgen PATH --commits 50000`` writes one repository and prints how
long it took.
"""

from ospo_metrics.gitgen.history import Community, Contributor, synthetic_history
from ospo_metrics.gitgen.writer import (
    DEPENDABOT,
    GITHUB_ACTIONS,
    GITHUB_WEB,
    RENOVATE,
    FileContent,
    GenCommit,
    Identity,
    git_env,
    write_repository,
)

__all__ = [
    "DEPENDABOT",
    "GITHUB_ACTIONS",
    "GITHUB_WEB",
    "RENOVATE",
    "Community",
    "Contributor",
    "FileContent",
    "GenCommit",
    "Identity",
    "git_env",
    "synthetic_history",
    "write_repository",
]
