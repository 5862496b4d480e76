"""users.disabled_at: an account stopped from signing in (flask disable-account)

Revision ID: f3a9c5e1d7b2
Revises: e8b4d2a6c1f7
Create Date: 2026-11-29 22:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a9c5e1d7b2'
down_revision = 'e8b4d2a6c1f7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('disabled_at')
