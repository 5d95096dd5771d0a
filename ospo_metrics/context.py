"""Everything an entry point needs, resolved once: configuration, database, rules.

The CLI and the dashboard both start here, so they find the same configuration file, open the
same database and apply the same affiliation and bot rules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from ospo_metrics import demo
from ospo_metrics.config import Config, config_from_mapping, load_config, resolve_database_url
from ospo_metrics.db import is_empty, open_database
from ospo_metrics.people.affiliation import AffiliationRules
from ospo_metrics.people.bots import BotRules
from ospo_metrics.people.config_sync import sync_config_people
from ospo_metrics.people.curation import apply_curation
from ospo_metrics.store.runs import mark_abandoned_runs

DEFAULT_CONFIG_FILE = "ospo.yml"
DEFAULT_DATA_DIR = Path("data")
DEMO_DATABASE_FILE = "ospo_demo.db"


def find_config_file(explicit: str | os.PathLike | None, env: Mapping[str, str]) -> Path | None:
    """`--config`, else OSPO_CONFIG, else ./ospo.yml if present; None means the demo."""
    if explicit:
        return Path(explicit)
    if env.get("OSPO_CONFIG"):
        return Path(env["OSPO_CONFIG"])
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.exists() else None


def demo_configuration(data_dir: Path, today: date | None = None) -> Config:
    """The demo organization's configuration, building its git repositories when missing.

    An existing demo keeps the date (and size) it was built for, so its history stays the same.
    """
    existing = demo.existing_build(data_dir)
    today = today or (existing[0] if existing else date.today())
    scale = existing[1] if existing and existing[0] == today else 1.0
    repos = demo.build_demo_repositories(data_dir, today, scale=scale)
    data = demo.demo_config(repos, today)
    data["data_dir"] = str(Path(data_dir).resolve())
    # A database of its own: collecting real data later must not land beside the demo's.
    data["database"] = f"sqlite:///{Path(data_dir).resolve() / DEMO_DATABASE_FILE}"
    return config_from_mapping(data, source="<demo>")


@dataclass
class Context:
    config: Config
    engine: Engine
    database_url: str

    @property
    def is_demo(self) -> bool:
        return bool(self.config.demo)

    @property
    def organization_name(self) -> str:
        """Our organization as reports name it, marked when it is the demo."""
        affiliation = self.config.affiliation
        name = affiliation.organization if affiliation else "Our organization"
        return f"{name} (demo)" if self.is_demo else name

    @property
    def rules(self) -> AffiliationRules:
        affiliation = self.config.affiliation
        if affiliation is None:
            return AffiliationRules.build(None, bots=self.bots)
        return AffiliationRules.build(
            affiliation.organization,
            affiliation.email_domains,
            affiliation.generic_domains,
            affiliation.domain_organizations,
            bots=self.bots,
        )

    @property
    def bots(self) -> BotRules:
        return BotRules.from_config(self.config.bots)

    @property
    def groups(self) -> dict[str, list[str]]:
        return {name: list(patterns) for name, patterns in self.config.groups.items()}

    @property
    def data_dir(self) -> Path:
        return self.config.resolved_data_dir()

    @property
    def cache_dir(self) -> Path:
        """Where the read side keeps loaded frames between processes (see read/cache.py)."""
        return self.data_dir / "cache"

    def sync_people(self) -> None:
        """Apply the configuration's people, then the curation decisions (which win)."""
        with Session(self.engine) as session, session.begin():
            sync_config_people(session, self.config, self.bots)
            apply_curation(session, self.bots, self.config)

    def apply_curation(self) -> None:
        """Regroup people after a collection (see ospo_metrics.people.curation.apply_curation)."""
        with Session(self.engine) as session, session.begin():
            apply_curation(session, self.bots, self.config)


def open_context(
    config_path: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    *,
    demo_data_dir: Path | None = None,
    force_demo: bool = False,
) -> Context:
    """Load the configuration (or the demo's) and open its database, migrated."""
    env = os.environ if env is None else env
    path = None if force_demo else find_config_file(config_path, env)
    if path is not None:
        config = load_config(path)
    else:
        config = demo_configuration(
            demo_data_dir or Path(env.get("OSPO_DATA_DIR", DEFAULT_DATA_DIR))
        )
    url = resolve_database_url(config, env=env)
    engine = open_database(url)
    mark_abandoned_runs(engine)  # runs a killed process left `running` (on this host)
    return Context(config=config, engine=engine, database_url=url)


def needs_first_collection(context: Context) -> bool:
    return is_empty(context.engine)


def foreign_repositories(context: Context) -> list[str]:
    """Repositories in the database that are not the demo's (the demo must not mix with them)."""
    from sqlalchemy import select

    from ospo_metrics.models import Repository

    with Session(context.engine) as session:
        names = session.scalars(select(Repository.full_name)).all()
    return sorted(n for n in names if not n.startswith(demo.DEMO_ORG_LOGIN + "/"))
