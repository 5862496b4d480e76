"""submissions.response_corrected_at: when a caseworker last corrected a posted response

Revision ID: b9e4f1c7d3a8
Revises: a7d3e9c1b5f2
Create Date: 2026-11-30 07:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b9e4f1c7d3a8'
down_revision = 'a7d3e9c1b5f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_corrected_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('response_corrected_at')
