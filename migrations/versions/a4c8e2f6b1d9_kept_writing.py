"""kept_writing: what a caseworker was writing in a back-office form when the idle timeout signed them
out, kept a day for when they sign in again (webapp/review/kept.py)

Revision ID: a4c8e2f6b1d9
Revises: f6d9a589e32c
Create Date: 2026-11-30 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c8e2f6b1d9'
down_revision = 'f6d9a589e32c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kept_writing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=32), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('kept_in', sa.String(length=20), nullable=False),
        sa.Column('kept_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_kept_writing_submission_id_submissions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kept_writing_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_writing')),
        sa.UniqueConstraint('user_id', 'submission_id', 'purpose', name=op.f('uq_kept_writing_user_id')),
    )
    with op.batch_alter_table('kept_writing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_writing_kept_at'), ['kept_at'], unique=False)


def downgrade():
    with op.batch_alter_table('kept_writing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_writing_kept_at'))
    op.drop_table('kept_writing')
