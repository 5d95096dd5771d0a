"""Engines, sessions and schema migrations for SQLite and PostgreSQL.

`open_database(url)` is the one door to the database: it creates the engine with the settings
each backend needs and brings the schema to the latest Alembic revision, so every entry point
(CLI, dashboard, tests) sees the same schema without a separate migration step.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

from ospo_metrics.redact import SECRET_PARAM, redact, register_secret
from ospo_metrics.redact import safe_url as safe_database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class DatabaseError(Exception):
    """The database cannot be opened or migrated; the message says what to check."""


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite files get WAL (readers don't block the collector) and FKs on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


# pg_advisory_xact_lock key serializing migrations ("ospo" + "migr" as two 4-byte words).
MIGRATION_LOCK_KEY = 0x6F73706F6D696772


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision (a no-op when already there).

    Processes that start together on an empty database (a dashboard and cron collectors)
    must not create the same tables at once: the upgrade runs under a lock -- an advisory
    lock on PostgreSQL, an exclusive transaction on SQLite -- and whoever gets it second finds
    the schema current. The lock is taken only when the schema is behind, so an ordinary start
    never waits for a collector's write transaction.
    """
    if _stored_revisions(engine) == script_heads():
        return  # the ordinary start: no alembic import (a quarter of a second per process)
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if _is_current(engine, config):
        return
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            # BEGIN EXCLUSIVE waits (busy_timeout) while another process migrates.
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _is_current(engine: Engine, config: AlembicConfig) -> bool:
    """True when the database is at the newest revision already, as alembic sees it."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(config).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


@functools.cache
def script_heads() -> frozenset[str]:
    """The newest revisions of the migration scripts (those no other script revises), read
    from each script's `revision` and `down_revision` without importing it. A test holds it
    equal to alembic's own answer; when the two could differ, `migrate` asks alembic."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                name = getattr(node.targets[0], "id", None)
                if name == "revision":
                    revisions.add(ast.literal_eval(node.value))
                elif name == "down_revision":
                    value = ast.literal_eval(node.value)
                    if value is not None:
                        revised.update((value,) if isinstance(value, str) else value)
    return frozenset(revisions - revised)


def _stored_revisions(engine: Engine) -> frozenset[str] | None:
    """The revisions the database says it is at (None before the first migration)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return frozenset(row[0] for row in rows)


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def open_database(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url` and migrate it; errors name the URL without its password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # Not echoed: a mistyped URL may still hold a password.
        raise DatabaseError(
            "the database URL is not a valid SQLAlchemy URL; use e.g. sqlite:///ospo_metrics.db "
            "or postgresql+psycopg://user@host/dbname (the `database` setting or DATABASE_URL)"
        ) from None
    register_secret(parsed.password if isinstance(parsed.password, str) else None)
    for name, value in parsed.query.items():
        if SECRET_PARAM.match(name):
            for one in (value,) if isinstance(value, str) else value:
                register_secret(one)
    safe_url = safe_database_url(parsed.render_as_string(hide_password=True))
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseError(
            f"cannot open database {safe_url}: ospo-metrics supports SQLite and PostgreSQL "
            "(sqlite:///FILE or postgresql+psycopg://...)"
        )
    try:
        engine = create_db_engine(url, **kwargs)
        migrate(engine)
    except Exception as exc:  # re-raised with a message a user can act on
        raise DatabaseError(
            f"cannot open database {safe_url}: {type(exc).__name__}: "
            f"{redact(_first_line(exc))}. Check the `database` setting or DATABASE_URL."
        ) from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_empty(engine: Engine) -> bool:
    """True when no repository has been collected yet (the dashboard then builds the demo)."""
    from sqlalchemy import func, select

    from ospo_metrics.models import Repository

    if not inspect(engine).has_table("repositories"):
        return True
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Repository)) == 0


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else ""
