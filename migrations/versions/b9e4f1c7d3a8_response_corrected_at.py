"""submissions.response_corrected_at and response_revisions: a posted response corrected, and what it said

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
    op.create_table(
        'response_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=32), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('posted_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['replaced_by'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('response_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_revisions_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('response_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_response_revisions_submission_id'))
    op.drop_table('response_revisions')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('response_corrected_at')
