"""people: per-commit author names, issue and comment logins, names seen, links, curation

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("author_name", sa.String(length=255), nullable=False, server_default="")
        )
    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_login", sa.String(length=255), nullable=True))
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_login", sa.String(length=255), nullable=True))
    # Rows written before: the best there is, the person's (first-seen) name and login.
    op.execute(
        "UPDATE commits SET author_name = COALESCE("
        "(SELECT people.name FROM people WHERE people.id = commits.author_id), '')"
    )
    for table in ("issues", "comments"):
        op.execute(
            f"UPDATE {table} SET author_login = "
            f"(SELECT people.login FROM people WHERE people.id = {table}.author_id)"
        )
    with op.batch_alter_table("commits", schema=None) as batch_op:
        batch_op.alter_column("author_name", server_default=None)

    op.create_table(
        "identity_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["identity_id"], ["identities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity_id", "name"),
    )
    op.execute(
        "INSERT INTO identity_names (identity_id, name) "
        "SELECT id, name FROM identities WHERE name IS NOT NULL AND name <> ''"
    )
    op.create_table(
        "identity_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("other_key", sa.String(length=340), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "source"),
    )
    op.create_table(
        "curation_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("other_key", sa.String(length=340), nullable=True),
        sa.Column("organization", sa.String(length=255), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("value", sa.String(length=255), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("curation_rules", schema=None) as batch_op:
        batch_op.create_index("ix_curation_rules_key", ["key"], unique=False)


def downgrade() -> None:
    op.drop_table("curation_rules")
    op.drop_table("identity_links")
    op.drop_table("identity_names")
    for table in ("comments", "issues"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("author_login")
    with op.batch_alter_table("commits", schema=None) as batch_op:
        batch_op.drop_column("author_name")
