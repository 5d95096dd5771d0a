"""The PostgreSQL database the tests use: created when the server runs but it does not exist.

A missing database is not an unreachable server: the first is fixed here (CREATE DATABASE
through the `postgres` maintenance database), or explained with the exact command when the
role may not create databases; the second says how to start the server.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError


class PostgresUnavailable(Exception):
    """What is wrong, and the command that fixes it."""


def _missing_database(exc: OperationalError) -> bool:
    message = str(exc.orig)
    return "database" in message and "does not exist" in message


def admin_engine(url: str) -> Engine:
    """An AUTOCOMMIT engine on `url`'s database, creating the database first if needed."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return engine
    except OperationalError as exc:
        engine.dispose()
        if not _missing_database(exc):
            raise PostgresUnavailable(
                f"PostgreSQL is not reachable at {_shown(url)} ({type(exc).__name__}); start it "
                "with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
            ) from None
    create_database(url)
    return create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(url: str) -> None:
    parsed = make_url(url)
    name = parsed.database
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        host, port, user = parsed.host or "127.0.0.1", parsed.port or 5432, parsed.username
        raise PostgresUnavailable(
            f"the PostgreSQL database {name!r} does not exist at {_shown(url)} and could not be "
            f"created ({type(exc).__name__}); create it with `createdb -h {host} -p {port} "
            f"-U {user or 'postgres'} {name}` or point $OSPO_TEST_POSTGRES_URL at an existing "
            "database"
        ) from None
    finally:
        maintenance.dispose()


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
