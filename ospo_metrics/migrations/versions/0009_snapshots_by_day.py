"""kpi snapshots by day: one row per KPI, scope, period and the day it was taken

Revision ID: 0009
Revises: 0008

Until now a later snapshot overwrote the value an earlier one had reported for the same
period, so nothing could tell re-collected history from new activity. The table is rebuilt
with `taken_on` in its natural key (existing rows keep the day they were computed on).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _table(name: str, with_day: bool) -> None:
    key = ["kpi", "scope", "period", "period_start"] + (["taken_on"] if with_day else [])
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        *([sa.Column("taken_on", sa.Date(), nullable=False)] if with_day else []),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*key),
    )


def upgrade() -> None:
    _table("kpi_snapshots_by_day", with_day=True)
    # SQLite keeps dates as text (CAST AS DATE would make a number of "2026-...").
    day = (
        "date(computed_at)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(computed_at AS DATE)"
    )
    op.execute(
        "INSERT INTO kpi_snapshots_by_day "
        "(kpi, scope, period, period_start, taken_on, value, computed_at) "
        f"SELECT kpi, scope, period, period_start, {day}, value, computed_at FROM kpi_snapshots"
    )
    op.drop_table("kpi_snapshots")
    op.rename_table("kpi_snapshots_by_day", "kpi_snapshots")
    op.create_index("ix_kpi_snapshots_taken_on", "kpi_snapshots", ["taken_on"])


def downgrade() -> None:
    _table("kpi_snapshots_by_period", with_day=False)
    op.execute(
        "INSERT INTO kpi_snapshots_by_period "
        "(kpi, scope, period, period_start, value, computed_at) "
        "SELECT s.kpi, s.scope, s.period, s.period_start, s.value, s.computed_at "
        "FROM kpi_snapshots s WHERE s.taken_on = (SELECT MAX(t.taken_on) FROM kpi_snapshots t "
        "WHERE t.kpi = s.kpi AND t.scope = s.scope AND t.period = s.period "
        "AND t.period_start = s.period_start)"
    )
    op.drop_index("ix_kpi_snapshots_taken_on", table_name="kpi_snapshots")
    op.drop_table("kpi_snapshots")
    op.rename_table("kpi_snapshots_by_period", "kpi_snapshots")
