"""drafts.reminded_at: when the owner was emailed that the draft would soon be deleted

Revision ID: d8f2a4c6e1b3
Revises: c7e1b5d9a3f2
Create Date: 2026-12-01 12:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd8f2a4c6e1b3'
down_revision = 'c7e1b5d9a3f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
