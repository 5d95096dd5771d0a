"""The ``ospo.yml`` configuration file: models, loading and error reporting.

A package: `fields` (constants, globs, value validators), `models` (pydantic sections),
`rules` (cross-field checks) and `loading` (YAML positions, errors, `load_config`); import
from here.

One YAML file describes what the dashboard measures: which GitHub organizations and extra
repositories we own, repository groups, upstream projects, how contributors are attributed to
organizations, which accounts are bots, and the objectives (KPI targets) to track.

Loading is strict and tries hard to be helpful:

* every section is a pydantic v2 model with ``extra="forbid"``, so a typo is an error rather
  than a silently ignored key;
* *all* problems are reported at once, each as ``file:line:column: field.path: message``.
  Positions come from PyYAML's node tree (``yaml.compose``), so they point at the offending
  value, at an unknown key itself, or at the enclosing mapping when a required key is missing;
* cross-field rules (unique objective ids, known groups in scopes, non-overlapping employment
  periods, ...) run on the raw data independently of the per-field validation, so they are
  reported together with ordinary type errors instead of only after those are fixed.

Public API: :func:`load_config`, :func:`config_from_mapping`, :class:`Config` (and its section
models), :func:`resolve_database_url`, :class:`ConfigError` / :class:`ConfigIssue`,
:func:`find_config_path` and :func:`glob_match`.

Paths written in the file (``data_dir``, ``repositories[].path``,
``github.app.private_key_file``) are relative to the folder that holds the config file; use
:meth:`Config.resolve_path` / :meth:`Config.resolved_data_dir` to get absolute paths.
"""

from ospo_metrics.config.fields import (
    BUILTIN_BOT_PATTERNS,
    BUILTIN_GENERIC_DOMAINS,
    CONFIG_ENV_VAR,
    DATABASE_ENV_VAR,
    DEFAULT_CONFIG_FILE,
    DEFAULT_DATABASE_URL,
    glob_match,
)
from ospo_metrics.config.loading import (
    ConfigError,
    ConfigIssue,
    config_from_mapping,
    find_config_path,
    load_config,
    resolve_database_url,
)
from ospo_metrics.config.models import (
    AffiliationConfig,
    Baseline,
    BotsConfig,
    Config,
    Employment,
    GitHubAppConfig,
    GitHubConfig,
    MirrorsConfig,
    Objective,
    Person,
    RepositorySource,
    UpstreamConfig,
)

__all__ = [
    "BUILTIN_BOT_PATTERNS",
    "BUILTIN_GENERIC_DOMAINS",
    "CONFIG_ENV_VAR",
    "DATABASE_ENV_VAR",
    "DEFAULT_CONFIG_FILE",
    "DEFAULT_DATABASE_URL",
    "AffiliationConfig",
    "Baseline",
    "BotsConfig",
    "Config",
    "ConfigError",
    "ConfigIssue",
    "Employment",
    "GitHubAppConfig",
    "GitHubConfig",
    "MirrorsConfig",
    "Objective",
    "Person",
    "RepositorySource",
    "UpstreamConfig",
    "config_from_mapping",
    "find_config_path",
    "glob_match",
    "load_config",
    "resolve_database_url",
]
