"""the back-office queue reads a page from an index instead of sorting the team's submissions

At 20,000 submissions every queue page was a sequential scan of the table and a sort of the team's
12,000 rows to show 25. (team, last_submitted_at, id) serves the whole queue and (team, status,
last_submitted_at, id) a status filter, both read backwards for newest first; the second replaces
(team, status), whose every use it covers.

Revision ID: c3f1a7e9b2d4
Revises: 5b7e0c2d9a41
Create Date: 2026-11-29 18:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a7e9b2d4'
down_revision = '5b7e0c2d9a41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_team_sent', ['team', 'last_submitted_at', 'id'], unique=False)
        batch_op.create_index('ix_submissions_team_status_sent', ['team', 'status', 'last_submitted_at', 'id'],
                              unique=False)
        batch_op.drop_index('ix_submissions_team_status')


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_team_status', ['team', 'status'], unique=False)
        batch_op.drop_index('ix_submissions_team_status_sent')
        batch_op.drop_index('ix_submissions_team_sent')
