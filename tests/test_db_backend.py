"""oskus.postgresql: the per-request health check polls the socket; a round trip only when the server spoke."""

import select

import pytest
from django.conf import settings
from django.db import connection, connections

from oskus.postgresql.base import server_has_written

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _backend_pid(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_settings_use_the_backend_for_postgresql_urls():
    assert settings.DATABASES["default"]["ENGINE"] == "oskus.postgresql"
    assert type(connections["default"]).__module__ == "oskus.postgresql.base" and connection.vendor == "postgresql"


def test_a_quiet_connection_is_kept_without_a_round_trip_and_a_terminated_one_is_replaced():
    conn = connections.create_connection("default")  # its own connection: the test's stays in its transaction
    checks = []
    real_check = conn.is_usable

    def counted_check():
        checks.append(True)
        return real_check()

    conn.is_usable = counted_check
    try:
        first = _backend_pid(conn)
        conn.health_check_enabled = True
        for _request in range(3):  # each request starts with the check pending (close_if_unusable_or_obsolete)
            conn.health_check_done = False
            assert _backend_pid(conn) == first
        assert checks == []  # Django's own check would have sent SELECT 1 three times

        with connection.cursor() as other:  # the server ends the session while it is idle (a restart, a kill)
            other.execute("SELECT pg_terminate_backend(%s)", [first])
        readable, _w, _x = select.select([conn.connection.fileno()], [], [], 10)  # its goodbye reached the socket
        assert readable and server_has_written(conn.connection)
        conn.health_check_done = False
        replaced = _backend_pid(conn)  # no error: the check found the dead connection and Django reconnected
        assert replaced != first and checks == [True]
    finally:
        conn.close()
