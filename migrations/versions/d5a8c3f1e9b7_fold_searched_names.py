"""submissions.searched_names folded for search: lower case, no accents, plain apostrophes

A caseworker searching "Zoe" or "Nguyen", as a name is heard on the phone, did not find "Zoë" or
"Nguyễn": a second referral about the same child looked like the first. The names are now stored as
the search compares them (webapp.validation.fold_for_search, copied here as it is today, so this
migration keeps doing what it did). Submissions from before the column was added get the child's name,
the one name they were searched by. Downgrading leaves the folded names: the older search finds them
by names typed without accents.

Revision ID: d5a8c3f1e9b7
Revises: b9e4f1c7d3a8
Create Date: 2026-11-30 12:10:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd5a8c3f1e9b7'
down_revision = 'b9e4f1c7d3a8'
branch_labels = None
depends_on = None

BATCH = 1000


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    for curly in ("\u2019", "\u2018", "\u02bc"):
        plain = plain.replace(curly, "'")
    return plain.lower()


def upgrade():
    connection = op.get_bind()
    submissions = sa.table("submissions", sa.column("id", sa.String), sa.column("child_name", sa.String),
                           sa.column("searched_names", sa.Text))
    rows = connection.execute(sa.select(submissions.c.id, submissions.c.child_name,
                                        submissions.c.searched_names)).fetchall()
    changes = []
    for row in rows:
        folded = _fold(row.searched_names if row.searched_names is not None else row.child_name)[:2000]
        if folded != row.searched_names:
            changes.append({"row_id": row.id, "folded": folded})
    update = (sa.update(submissions).where(submissions.c.id == sa.bindparam("row_id"))
              .values(searched_names=sa.bindparam("folded")))
    for start in range(0, len(changes), BATCH):
        connection.execute(update, changes[start:start + BATCH])


def downgrade():
    pass
