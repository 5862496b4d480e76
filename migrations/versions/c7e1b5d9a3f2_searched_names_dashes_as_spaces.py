"""submissions.searched_names folded again, with a dash as a space

A caseworker searching "smith-jones" for a child whose name was sent as "Smith Jones", or with an en
dash ("Smith–Jones"), found nothing: the fold kept each dash as it was typed. The fold now makes every
dash a space and collapses spaces (webapp.validation.fold_for_search, copied here as it is today, so
this migration keeps doing what it did), and the names already stored are folded again. A name sent
with "´" or "`" for its apostrophe ("O´Brien") was stored as "o brien"; the fold now drops them, but
the stored text no longer holds them, so such a name stays "o brien" (found by "o brien", not by
"obrien"). Downgrading leaves the names as they are: the older search finds them by their parts.

Revision ID: c7e1b5d9a3f2
Revises: a4c8e2f6b1d9
Create Date: 2026-11-30 23:10:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e1b5d9a3f2'
down_revision = 'a4c8e2f6b1d9'
branch_labels = None
depends_on = None

BATCH = 1000


def _fold(text):
    plain = text or ""
    for apostrophe in ("'", "\u2019", "\u2018", "\u02bc", "\u02bb", "\u00b4", "`"):
        plain = plain.replace(apostrophe, "")
    decomposed = unicodedata.normalize("NFKD", plain)
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    for dash in ("-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"):
        plain = plain.replace(dash, " ")
    return " ".join(plain.lower().split())


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
