"""Random public identifiers for records that appear in URLs.

Sequential ids would let anyone count referrals or guess another person's; a random id says nothing
about the child or the sender, and per-record access checks still apply.
"""

import uuid


def new_id() -> str:
    return uuid.uuid4().hex
