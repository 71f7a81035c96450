"""Django's PostgreSQL backend (``ENGINE = "oskus.postgresql"``, set by the settings for a postgres URL), with a
cheaper health check, and with BEGIN and deferred writes sent with other statements (transactions.py; the
methods at the end of the class).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request that reuses a
connection: a round trip on every page, 4 % of a worker's samples on the enroll POST (bench/README.md). A
connection between requests has no query outstanding, so the server writes to it only when something happened:
it was terminated (restart, ``pg_terminate_backend``, an idle timeout: an error message, then the socket's end)
or, rarely, it reports a changed parameter. So the socket is polled first, without waiting: nothing to read
means nothing happened and the connection is kept; anything to read, and Django's own check decides. A peer
that vanished without a word (no FIN, no RST) is not detected, as ``SELECT 1`` would not be either before TCP
gives up.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from django.db.backends.utils import debug_transaction

from . import transactions


def server_has_written(connection) -> bool:
    """Whether the server sent anything (or closed the socket) since the last reply was read."""
    try:
        readable, _writable, _errors = select.select([connection.fileno()], [], [], 0)
    except (OSError, ValueError):  # the socket is gone already
        return True
    return bool(readable)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (self.connection is not None and self.health_check_enabled and not self.health_check_done
                and not self.pool and not server_has_written(self.connection)):
            self.health_check_done = True  # quiet since the last reply: nothing to check
            return
        super().close_if_health_check_failed()

    # --- transactions without round trips of their own (oskus/postgresql/transactions.py) ---

    def _own_transactions(self) -> bool:
        # With an isolation level in OPTIONS psycopg2 must send BEGIN itself (it adds the level to it).
        return "isolation_level" not in self.settings_dict["OPTIONS"]

    def get_connection_params(self):
        params = super().get_connection_params()
        if self._own_transactions():
            params["connection_factory"] = transactions.Connection
            params["cursor_factory"] = transactions.Cursor  # Django passes psycopg2's own
        return params

    def _owns(self) -> bool:
        """Whether the connection's current transaction was begun here (not by psycopg2)."""
        return isinstance(self.connection, transactions.Connection) and self.connection.transaction != transactions.IDLE

    def _start_transaction_under_autocommit(self):
        """atomic()'s outermost block: a transaction whose BEGIN goes out with its first statement."""
        if isinstance(self.connection, transactions.Connection):
            self.connection.begin()
        else:
            self._set_autocommit(False)

    def _set_autocommit(self, autocommit):
        if autocommit and self.connection is not None and self.connection.autocommit:
            return  # psycopg2 stayed in autocommit mode through the transaction
        super()._set_autocommit(autocommit)

    def _commit(self):
        if self._owns():
            with debug_transaction(self, "COMMIT"), self.wrap_database_errors:
                return self.connection.finish("COMMIT")
        return super()._commit()

    def _rollback(self):
        if self._owns():
            with debug_transaction(self, "ROLLBACK"), self.wrap_database_errors:
                return self.connection.finish("ROLLBACK")
        return super()._rollback()

    def _savepoint_rollback(self, sid):
        if self._owns():
            self.connection.drop_deferred()
        super()._savepoint_rollback(sid)

    def defer(self, sql: str, params=None) -> bool:
        """Send a write whose result nobody reads with the transaction's next statement or its COMMIT (one
        round trip less). `params` as for cursor.execute (None: no formatting, a '%' is literal). Returns False,
        sending nothing, when there is no such transaction: the caller runs it."""
        if not self._owns():
            return False
        if self.queries_logged:
            self.queries_log.append({"sql": f"{sql} -- deferred", "time": "0.000"})
        self.connection.defer(sql, params)
        return True
