"""`check-config`: validate the configuration file and report every problem with its place."""

from __future__ import annotations

import argparse
import os
import sys

from ospo_metrics.cli.common import EXIT_USAGE
from ospo_metrics.config import Config


def register(commands: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check-config", parents=parents, help="validate the configuration and report every error"
    )
    # Runs without opening the database: a broken configuration must be reportable on its own.
    check.set_defaults(handler=check_config_command, uses_context=False)


def check_config_command(args: argparse.Namespace) -> int:
    from ospo_metrics.config import load_config
    from ospo_metrics.context import find_config_file

    path = find_config_file(args.config, os.environ)
    if path is None:
        print("no configuration file (./ospo.yml or $OSPO_CONFIG): the demo configuration is used")
        return 0
    config = load_config(path)
    problems = missing_repositories(config)
    for problem in problems:
        print(f"error: {path}: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    print(f"{path}: OK")
    return 0


def missing_repositories(config: Config) -> list[str]:
    """`path:` repositories that do not exist or are not git repositories."""
    problems = []
    for index, entry in enumerate(config.repositories):
        if entry.path is None:
            continue
        folder = config.resolve_path(entry.path)
        where = f"repositories[{index}].path"
        if not folder.exists():
            problems.append(f"{where}: {folder} does not exist")
        elif not ((folder / ".git").exists() or (folder / "HEAD").is_file()):
            problems.append(f"{where}: {folder} is not a git repository (no .git in it)")
    return problems
