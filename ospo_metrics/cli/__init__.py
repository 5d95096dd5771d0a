"""`ospo-metrics`: check the configuration, collect, build the demo, list and export KPIs.

One module per command group (`config`, `collect`, `metrics`, `strategy`, ...); each has a
`register(commands, parents)` that adds its subcommands and sets their `handler`. Adding a
command group means one module and one line in :data:`COMMAND_MODULES`.

Every failure a user can cause (bad config, unreachable database, unknown KPI, failed source)
ends with a one-paragraph message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import kpis
from ospo_metrics.cli import (
    collect,
    compliance,
    config,
    health,
    maturity,
    metrics,
    people,
    queue,
    strategy,
)
from ospo_metrics.cli.common import EXIT_FAILED, EXIT_USAGE
from ospo_metrics.config import ConfigError
from ospo_metrics.context import open_context
from ospo_metrics.db import DatabaseError
from ospo_metrics.redact import install_log_filter, redact
from ospo_metrics.scope import ScopeError
from ospo_metrics.secrets import SecretsError

__all__ = ["EXIT_FAILED", "EXIT_USAGE", "main"]

COMMAND_MODULES = (
    config,
    collect,
    queue,
    metrics,
    strategy,
    maturity,
    compliance,
    people,
    health,
)
CONFIG_HELP = "configuration file (default: $OSPO_CONFIG, else ./ospo.yml, else the demo)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ospo-metrics", description="Open source program office metrics."
    )
    parser.add_argument("--config", help=CONFIG_HELP)
    # `--config` is also accepted after the subcommand; SUPPRESS keeps a value given before it.
    config_option = argparse.ArgumentParser(add_help=False)
    config_option.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands, [config_option])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    install_log_filter()
    try:
        if not getattr(args, "uses_context", True):
            return args.handler(args)
        context = open_context(
            args.config,
            demo_data_dir=Path(getattr(args, "data_dir", "data")),
            force_demo=getattr(args, "force_demo", False),
        )
        return args.handler(context, args)
    except (ConfigError, DatabaseError, ScopeError, SecretsError, kpis.UnknownKPIError) as exc:
        print(f"error: {redact(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(
            "interrupted: what was collected so far is kept; run again to resume", file=sys.stderr
        )
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
