"""one draft per returned submission

Two requests reopening a returned form at the same moment (a double-click) each made a draft of it;
the unique index lets one in, and the second request uses that one. A database holding two such drafts
already would need one of them removed by hand first (none existed when this was written).

Revision ID: 11024f6870db
Revises: 9d5ce38cbf28
Create Date: 2026-11-29 13:21:09.134409

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '11024f6870db'
down_revision = '9d5ce38cbf28'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index('uq_drafts_resubmission_of', ['resubmission_of'], unique=True)


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index('uq_drafts_resubmission_of')
