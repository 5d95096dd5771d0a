"""The models and the migrations describe one schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from ospo_metrics.models import Base


def test_migrations_create_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_fast_start_check_knows_the_heads_alembic_knows(engine: Engine) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ospo_metrics.db import MIGRATIONS_DIR, _stored_revisions, script_heads

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert script_heads() == frozenset(ScriptDirectory.from_config(config).get_heads())
    assert _stored_revisions(engine) == script_heads()  # the fixture's database is migrated
