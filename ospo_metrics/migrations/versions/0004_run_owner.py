"""collection runs remember the process that runs them (host and pid)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:00:00

A run left `running` by a killed process is recognised on the next start (its process is gone)
and marked `abandoned`, so the Data sources page shows it as a problem.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("collection_runs") as batch:
        batch.drop_column("pid")
        batch.drop_column("host")
