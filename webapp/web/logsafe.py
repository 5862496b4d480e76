"""Logging a failure without what a database error message can quote.

`hide_parameters` keeps SQLAlchemy from quoting the values it sent, but PostgreSQL's own message can
quote them back: a NOT NULL or CHECK violation says "Failing row contains (…)", the whole row, answers
and email addresses included. For a database error the log keeps the traceback's frames, the error's
type and its SQLSTATE, and withholds the message.
"""

import logging
import sys
import traceback

from sqlalchemy.exc import DBAPIError


def withheld(error: BaseException) -> str:
    frames = "".join(traceback.format_tb(error.__traceback__))
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    return (f"Traceback (most recent call last):\n{frames}{type(error).__name__} (SQLSTATE {sqlstate}; "
            "the database's message is withheld: it can quote a row)")


def log_exception(logger: logging.Logger, message: str, *args) -> None:
    """logger.exception(message, *args), for use in an except block, safe for database errors."""
    error = sys.exc_info()[1]
    if isinstance(error, DBAPIError):
        logger.error(message + "\n%s", *args, withheld(error))
    else:
        logger.exception(message, *args)
