"""alerts: objective status history, alert states and events

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "objective_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("objective", sa.String(length=128), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("current", sa.Float(), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("objective", "week_start"),
    )
    op.create_table(
        "alert_states",
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("github_issue", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("subject"),
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column("channel", sa.String(length=320), nullable=False),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("previous", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_events_pending", "alert_events", ["channel", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_events_pending", table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_table("alert_states")
    op.drop_table("objective_statuses")
