"""Django's PostgreSQL backend (``ENGINE = "oskus.postgresql"``, set by the settings for a postgres URL), with a
cheaper health check.

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
