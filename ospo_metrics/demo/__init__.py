"""The demo organization "Acme (demo)": everything a first start shows, clearly labelled.

- :mod:`.repositories`: the generated git repositories (the real git collector reads them);
- :mod:`.config`: the configuration that measures them;
- :mod:`.github`, :mod:`.write_github`, :mod:`.upstream`: GitHub-shaped data (issues, pull
  requests, reviews, releases, members, upstream contributions) written the collector's way;
- :mod:`.parts`: the list of parts a first start writes, once per database.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ospo_metrics.demo.config import demo_config as _base_config
from ospo_metrics.demo.repositories import (
    DEMO_COMPANY,
    DEMO_DOMAIN,
    DEMO_ORG_LOGIN,
    DEMO_ORG_NAME,
    PARTNER_ORGANIZATIONS,
    DemoRepository,
    build_demo_repositories,
    existing_build,
    existing_build_date,
)

if TYPE_CHECKING:
    from ospo_metrics.context import Context

__all__ = [
    "DEMO_COMPANY",
    "DEMO_DOMAIN",
    "DEMO_ORG_LOGIN",
    "DEMO_ORG_NAME",
    "PARTNER_ORGANIZATIONS",
    "DemoRepository",
    "build_demo_data",
    "build_demo_repositories",
    "demo_config",
    "existing_build",
    "existing_build_date",
    "missing_demo_parts",
]


def demo_config(repos: list[DemoRepository], today: date) -> dict[str, Any]:
    """The demo configuration mapping (`ospo.yml` shape), with what every part adds."""
    from ospo_metrics.demo.parts import configure

    return configure(_base_config(repos, today), today)


def build_demo_data(context: Context, today: date | None = None) -> dict[str, int]:
    """Write every demo part the database lacks (see :mod:`ospo_metrics.demo.parts`)."""
    from ospo_metrics.demo.parts import build_demo_data as build

    return build(context, today)


def missing_demo_parts(context: Context) -> list:
    from ospo_metrics.demo.parts import missing_demo_parts as missing

    return missing(context)
