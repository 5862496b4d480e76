"""drafts.section_versions: the version each section was last saved at, so that a save from a page
older than another tab's save of a different section is not a conflict

Revision ID: b2e7d4a9c6f1
Revises: d5a8c3f1e9b7
Create Date: 2026-11-30 19:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2e7d4a9c6f1'
down_revision = 'd5a8c3f1e9b7'
branch_labels = None
depends_on = None


def upgrade():
    # Left NULL on the drafts already there: which section each save changed is not known, so a page
    # older than any save of such a draft stays a conflict, as before, until the section is saved.
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('section_versions', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_column('section_versions')
