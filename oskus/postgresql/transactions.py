"""Transactions without round trips of their own: BEGIN travels with the transaction's first statement, and a
write whose result nobody reads (``defer``) travels with the next statement or with the COMMIT.

Why: psycopg2 sends BEGIN alone, in a round trip of its own, before a transaction's first statement, and the
COMMIT is one more after the last. On the enroll POST each round trip costs about 2-4 % of the request: the
client's and the server's CPU for the message, and two context switches (bench/README.md). Here psycopg2 stays
in autocommit mode and the connection itself sends BEGIN and COMMIT: BEGIN in the same message as the first
statement ("BEGIN; SELECT …"); a deferred write just before the next statement, or in the same message as the
COMMIT ("…; INSERT …; COMMIT"). PostgreSQL runs the statements of one message in order and stops at the first
error, so what runs is exactly what would have run one by one; the transaction, its locks and its isolation
(READ COMMITTED, each statement with its own snapshot) are the same.

Django's transaction management drives it unchanged: ``atomic()`` starts the transaction through
``_start_transaction_under_autocommit`` (the hook Django calls for the outermost block), and the database
wrapper (oskus/postgresql/base.py) ends it here. ``transaction.set_autocommit(False)`` by hand still uses
psycopg2's own BEGIN and COMMIT.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import psycopg2.extensions

IDLE, PENDING, OPEN = "idle", "pending", "open"  # no transaction; begun, BEGIN not sent yet; BEGIN sent


class Connection(psycopg2.extensions.connection):
    """psycopg2's connection (always in autocommit mode here, its cursors `Cursor`s) with the transaction's
    BEGIN and deferred writes that are still to be sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.transaction = IDLE
        self.deferred: list[tuple[str, list]] = []

    @property
    def has_pending(self) -> bool:
        return self.transaction == PENDING or bool(self.deferred)

    def begin(self) -> None:
        """Start a transaction; BEGIN goes out with its first statement."""
        self.transaction = PENDING
        self.deferred.clear()

    def defer(self, sql: str, params: Sequence | None = None) -> None:
        """Send `sql` with the transaction's next statement or its COMMIT; dropped if the transaction (or the
        savepoint it was deferred under) rolls back. Its errors surface from that statement or the commit."""
        if self.transaction == IDLE:
            raise RuntimeError("a deferred write needs a transaction begun by atomic()")
        # Pending statements are kept as psycopg2 formats a statement with parameters (a literal '%' as '%%'), so
        # that any of them can share a message with any other; with `params` None, as in cursor.execute(sql), a
        # '%' was meant literally.
        self.deferred.append((sql.replace("%", "%%") if params is None else sql, list(params or ())))

    def pending(self) -> tuple[list[str], list]:
        """The statements still to be sent before the next one (BEGIN first), and their parameters."""
        parts = ["BEGIN"] if self.transaction == PENDING else []
        params: list = []
        for sql, values in self.deferred:
            parts.append(sql)
            params.extend(values)
        return parts, params

    def sent(self) -> None:
        """What `pending` returned is on its way (called once the message is formatted, so a formatting error
        loses nothing). From here on a failure leaves the transaction to Django's rollback."""
        if self.transaction == PENDING:
            self.transaction = OPEN
        self.deferred.clear()

    def send_pending(self) -> None:
        """Send what is pending in a message of its own (before a statement that cannot carry it)."""
        parts, params = self.pending()
        if parts:
            _send(self, parts, params)

    def drop_deferred(self) -> None:
        """A savepoint rolls back: the writes deferred under it are not to be made. (Creating or releasing a
        savepoint sends what was deferred before it, so every deferred write is under the newest savepoint.)"""
        self.deferred.clear()

    def finish(self, command: str) -> None:
        """End the transaction with COMMIT or ROLLBACK: nothing to send if it never reached the server; a
        COMMIT carries the deferred writes; a ROLLBACK drops them."""
        if command == "ROLLBACK":
            self.deferred.clear()
        if self.transaction == PENDING and not self.deferred:
            self.transaction = IDLE  # nothing reached the server, nothing to end
            return
        parts, params = self.pending()
        # On an error the transaction stays OPEN: PostgreSQL has it aborted, and Django's rollback ends it.
        _send(self, [*parts, command], params)
        self.transaction = IDLE


def _send(connection: Connection, parts: list[str], params: list) -> None:
    with psycopg2.extensions.cursor(connection) as plain:  # the base class: nothing pending to prepend again
        message = plain.mogrify("; ".join(parts), params)  # always formatted: see `defer`
        connection.sent()
        plain.execute(message)


class Cursor(psycopg2.extensions.cursor):
    """Sends what its connection has pending (BEGIN, deferred writes) in the same message as its statement."""

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own argument name
        connection = self.connection
        if not connection.has_pending:
            return super().execute(query, vars)
        if self.name is not None or not isinstance(query, str) or isinstance(vars, Mapping):
            # A named cursor wraps its query in DECLARE (WITH HOLD, as Django declares it while psycopg2 is in
            # autocommit mode: it outlives the COMMIT if still open); composed SQL and named parameters do not
            # join a list.
            connection.send_pending()
            return super().execute(query, vars)
        parts, params = connection.pending()
        if vars is None:  # the statement's own '%' were literal: the message is formatted (see `defer`)
            query = query.replace("%", "%%")
            vars = params
        else:
            vars = [*params, *vars]
        message = self.mogrify("; ".join([*parts, query]), vars)  # raises before anything pending is let go
        connection.sent()
        return super().execute(message)


def _pending_first(name: str):
    """psycopg2's cursor method `name`, sending what is pending first: these cannot carry it in their message."""
    method = getattr(psycopg2.extensions.cursor, name)

    def send_pending_then(self, *args, **kwargs):
        self.connection.send_pending()
        return method(self, *args, **kwargs)

    send_pending_then.__name__ = name
    return send_pending_then


for _name in ("executemany", "callproc", "copy_expert", "copy_from", "copy_to"):
    setattr(Cursor, _name, _pending_first(_name))
