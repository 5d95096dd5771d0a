"""`check-config`: validate the configuration file and report every problem with its place."""

from __future__ import annotations

import argparse
import os


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
    load_config(path)
    print(f"{path}: OK")
    return 0
