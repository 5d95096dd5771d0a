"""repository mirrors: GitHub's clone URL and size of each repository (issue 6 §1)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("repositories") as batch:
        batch.add_column(sa.Column("clone_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("size_kb", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("repositories") as batch:
        batch.drop_column("size_kb")
        batch.drop_column("clone_url")
