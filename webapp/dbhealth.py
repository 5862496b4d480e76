"""Finding pooled connections the database server has closed, without a query on every request.

SQLAlchemy's `pool_pre_ping` sends a query each time a connection leaves the pool: one more round
trip on every request (a section save on PostgreSQL was six, a page five). But a server that stops
or restarts closes its connections, and a closed connection has something to read: the end of the
stream, or PostgreSQL's "terminating connection" message. An idle, healthy connection has nothing to
read. So at checkout the connection's socket is polled without waiting (as redis-py's pool does);
anything there means the connection is not one to use, and SQLAlchemy's pool replaces it with a new
one (a DisconnectionError in a checkout handler). A restarted database therefore costs nobody a
failed request. Connections cut silently, with no close to read (a firewall's idle timeout), are
replaced by age instead: `pool_recycle` in the configuration.

SQLite connections have no server and no socket, and are left alone.
"""

import select

import psycopg
from sqlalchemy import event, exc
from sqlalchemy.pool import Pool


@event.listens_for(Pool, "checkout")
def _replace_if_closed_by_server(dbapi_connection, connection_record, connection_proxy):
    pgconn = getattr(dbapi_connection, "pgconn", None)  # psycopg 3
    if pgconn is None:
        return
    if dbapi_connection.closed:
        raise exc.DisconnectionError("connection closed")
    try:
        descriptor = pgconn.socket
    except psycopg.OperationalError as error:  # no socket any more
        raise exc.DisconnectionError("connection has no socket") from error
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    if poller.poll(0):
        raise exc.DisconnectionError("the server closed the connection or sent something unasked")
