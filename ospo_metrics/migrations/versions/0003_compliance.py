"""compliance: file checks over time, Scorecard details, SBOMs and their components

The never-used `dependencies` table gives way to `sboms` + `sbom_components`, which keep
every SBOM so dependency KPIs have a history.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "file_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("check", sa.String(length=64), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commit", sa.String(length=64), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("license", sa.String(length=255), nullable=True),
        sa.Column("license_match", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["repository_id"], ["repositories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("repository_id", "check", "observed_at"),
    )
    with op.batch_alter_table("file_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_file_checks_repository_id"), ["repository_id"], unique=False
        )

    with op.batch_alter_table("scorecard_checks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("documentation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("scorecard_version", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("commit", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))

    op.create_table(
        "sboms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("components", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["repository_id"], ["repositories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("repository_id", "digest"),
    )
    with op.batch_alter_table("sboms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sboms_repository_id"), ["repository_id"], unique=False)

    op.create_table(
        "sbom_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sbom_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=1024), nullable=False),
        sa.Column("purl", sa.String(length=1024), nullable=True),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=True),
        sa.Column("ecosystem", sa.String(length=64), nullable=True),
        sa.Column("license", sa.Text(), nullable=True),
        sa.Column("license_declared", sa.Text(), nullable=True),
        sa.Column("is_direct", sa.Boolean(), nullable=True),
        sa.Column("source_repository", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["sbom_id"], ["sboms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sbom_id", "ref"),
    )
    with op.batch_alter_table("sbom_components", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sbom_components_sbom_id"), ["sbom_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sbom_components_purl"), ["purl"], unique=False)

    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dependencies_repository_id"))
    op.drop_table("dependencies")


def downgrade() -> None:
    op.create_table(
        "dependencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("purl", sa.String(length=1024), nullable=False),
        sa.Column("version", sa.String(length=255), nullable=True),
        sa.Column("license_expression", sa.Text(), nullable=True),
        sa.Column("policy_verdict", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["repository_id"], ["repositories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("repository_id", "purl"),
    )
    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dependencies_repository_id"), ["repository_id"], unique=False
        )
    with op.batch_alter_table("sbom_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sbom_components_purl"))
        batch_op.drop_index(batch_op.f("ix_sbom_components_sbom_id"))
    op.drop_table("sbom_components")
    with op.batch_alter_table("sboms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sboms_repository_id"))
    op.drop_table("sboms")
    with op.batch_alter_table("scorecard_checks", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("commit")
        batch_op.drop_column("scorecard_version")
        batch_op.drop_column("documentation")
        batch_op.drop_column("details")
    with op.batch_alter_table("file_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_file_checks_repository_id"))
    op.drop_table("file_checks")
