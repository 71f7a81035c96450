"""Django's Redis cache backend, with the reads that every page makes cheaper.

Two costs of Django 5.2's ``RedisCacheClient`` showed in the profiles of the benchmarks (bench/README.md):
- ``get_client`` builds a new ``redis.Redis`` for every cache operation, and redis-py's constructor sets up
  its whole command and callback tables each time (about 60 µs here, more than the round trip itself). The
  client is built once per connection pool instead (``redis.Redis`` is safe to share between threads).
- A read through the client passes redis-py's retry, observability and pool checkout layers (about 45 µs of
  CPU per read). ``get`` and ``get_many`` (the anonymous page cache's versions, the session, the My trainings
  entry) are sent instead on one connection per thread and process, a plain redis-py ``Connection`` of the
  same pool settings, retried once on a broken connection as redis-py's client does.
- Every enrollment's after-commit invalidation writes versions (``set``, ``set_many``): those two go over a
  plain connection of the write pool too, ``set_many`` without an expiry as one ``MSET`` (Django sends
  MULTI, MSET, EXEC: atomicity the independent version keys do not need). ``set_many_get`` sends such an
  ``MSET`` and an ``MGET`` in one round trip (courses/cache_writes.py: a transaction's writes and the page
  tree's version). All are idempotent, so the one retry is safe. Other writes keep the client.
"""

from __future__ import annotations

import itertools
import os
import threading

import redis
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._clients_lock = threading.Lock()
        self._readers = threading.local()
        self._writers = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            with self._clients_lock:
                client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client

    def _connection(self, local, *, write: bool) -> redis.Connection:
        """This thread's plain connection (a new one after a fork: a socket must not be shared with the parent)."""
        if getattr(local, "pid", None) != os.getpid():
            pool = self._get_connection_pool(write=write)
            local.connection, local.pid = pool.connection_class(**pool.connection_kwargs), os.getpid()
        return local.connection

    def _call(self, local, write: bool, *commands):
        """The replies to `commands`, sent in one round trip."""
        connection = self._connection(local, write=write)
        try:
            return _round_trip(connection, commands)
        except (redis.ConnectionError, redis.TimeoutError):
            return _round_trip(connection, commands)  # a broken connection is retried once, as by redis-py's client

    def _reader(self) -> redis.Connection:
        return self._connection(self._readers, write=False)

    def _writer(self) -> redis.Connection:
        return self._connection(self._writers, write=True)

    def _read(self, *command):
        return self._call(self._readers, False, command)[0]

    def _write(self, *command):
        return self._call(self._writers, True, command)[0]

    def get(self, key, default):
        value = self._read("GET", key)
        return default if value is None else self._serializer.loads(value)

    def get_many(self, keys):
        if not keys:
            return {}
        return self._found(keys, self._read("MGET", *keys))

    def _found(self, keys, values) -> dict:
        pairs = zip(keys, values, strict=True)
        return {key: self._serializer.loads(value) for key, value in pairs if value is not None}

    def set(self, key, value, timeout):
        if timeout == 0:  # Django deletes the key
            return super().set(key, value, timeout)
        value = self._serializer.dumps(value)
        self._write("SET", key, value) if timeout is None else self._write("SET", key, value, "EX", timeout)

    def set_many(self, data, timeout):
        if timeout is not None or not data:  # an expiry per key: Django's pipeline
            return super().set_many(data, timeout)
        self._write(*self._mset(data))
        return None

    def _mset(self, data) -> tuple:
        return ("MSET", *itertools.chain.from_iterable(
            (key, self._serializer.dumps(value)) for key, value in data.items()))

    def set_many_get(self, data, keys) -> dict:
        """``set_many(data, None)``, then ``get_many(keys)``: one round trip (MSET and MGET pipelined)."""
        commands = ([self._mset(data)] if data else []) + ([("MGET", *keys)] if keys else [])
        if not commands:
            return {}
        replies = self._call(self._writers, True, *commands)
        return self._found(keys, replies[-1]) if keys else {}


def _round_trip(connection: redis.Connection, commands) -> list:
    """Send `commands` in one write and read their replies."""
    try:
        if len(commands) == 1:
            connection.send_command(*commands[0], check_health=False)
        else:
            connection.send_packed_command(connection.pack_commands(commands), check_health=False)
        return [connection.read_response() for _command in commands]
    except BaseException:
        connection.disconnect()  # a reply may be left unread: the socket is never reused
        raise


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` over the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        """Nothing to check: Redis takes any key. Django's check warns of memcached's limits (250 characters, no
        control characters) by scanning every character of every key, on each read of every page hit; the
        tests' local-memory cache still warns."""

    def set_many_get(self, data, keys, version=None) -> dict:
        """Store `data` without expiry and read `keys` after it, in one round trip (courses/cache_writes.py)."""
        stored = {self.make_and_validate_key(key, version=version): value for key, value in data.items()}
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        found = self._cache.set_many_get(stored, list(names))
        return {names[name]: value for name, value in found.items()}
