"""the Overview's Next starts one draft, however often it is pressed

A double-click on the Overview page's Next with JavaScript off sent two posts, and each started a
draft: an empty twin appeared in Recover a Form. The page now carries a one-off key; a draft remembers
the key that started it, and a second post with the same key finds that draft.

Revision ID: 5b7e0c2d9a41
Revises: 11024f6870db
Create Date: 2026-11-29 15:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b7e0c2d9a41'
down_revision = '11024f6870db'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_key', sa.String(length=22), nullable=True))
        batch_op.create_index('uq_drafts_user_start_key', ['user_id', 'start_key'], unique=True)


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index('uq_drafts_user_start_key')
        batch_op.drop_column('start_key')
