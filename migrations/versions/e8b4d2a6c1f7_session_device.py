"""web_sessions.device: the browser and system a session was signed in from (Where you are signed in)

Revision ID: e8b4d2a6c1f7
Revises: c3f1a7e9b2d4
Create Date: 2026-11-29 22:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8b4d2a6c1f7'
down_revision = 'c3f1a7e9b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_column('device')
