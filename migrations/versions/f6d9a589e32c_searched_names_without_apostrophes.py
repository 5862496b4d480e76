"""submissions.searched_names folded again, without apostrophes

A caseworker searching "zoe obrien" or "obrien", as a name is heard on the phone, did not find "Zoë
O’Brien": the fold made every apostrophe a plain one and kept it, and "obrien" is not part of
"o'brien". The fold now drops apostrophes (webapp.validation.fold_for_search, copied here as it is
today, so this migration keeps doing what it did), and the names already stored are folded again.
Downgrading leaves them without apostrophes: the older search then finds them by a name typed without
one ("obrien"), not by one typed with it ("o'brien"); what was typed was not kept, so it cannot be put
back.

Revision ID: f6d9a589e32c
Revises: b2e7d4a9c6f1
Create Date: 2026-11-30 20:15:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f6d9a589e32c'
down_revision = 'b2e7d4a9c6f1'
branch_labels = None
depends_on = None

BATCH = 1000


def _fold(text):
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    for apostrophe in ("'", "\u2019", "\u2018", "\u02bc"):
        plain = plain.replace(apostrophe, "")
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
