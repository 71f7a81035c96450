"""The Redis cache backend (oskus/redis_cache.py) against the machine's real Redis: one redis-py client per pool,
and every operation the project uses answers as Django's own backend does."""

import os
import threading
import uuid
import warnings

import pytest
import redis
from django.core.cache.backends.base import CacheKeyWarning
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from oskus import redis_cache
from oskus.redis_cache import RedisCache

URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def backends():
    prefix = f"test-{uuid.uuid4().hex}"
    ours, django = RedisCache(URL, {"KEY_PREFIX": prefix}), DjangoRedisCache(URL, {"KEY_PREFIX": prefix})
    try:
        ours._cache.get_client().ping()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {URL}: the machines start one on 127.0.0.1:6379")
    yield ours, django
    client = ours._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_one_client_per_pool_where_django_builds_one_per_call(backends):
    ours, django = backends
    assert ours._cache.get_client() is ours._cache.get_client("any", write=True)
    assert ours._cache.get_client().connection_pool is ours._cache._get_connection_pool(False)
    assert django._cache.get_client() is not django._cache.get_client()  # the cost this backend removes


def test_operations_answer_as_djangos_backend(backends):
    ours, django = backends
    ours.set("token", "a1b2", None)
    ours.set_many({"one": 1, "page": {"body": b"<html>", "versions": ["x", "y"]}}, 60)
    assert django.get("token") == "a1b2"  # the same keys and serialisation: either reads the other's entries
    assert ours.get_many(["token", "one", "page", "missing"]) == {
        "token": "a1b2", "one": 1, "page": {"body": b"<html>", "versions": ["x", "y"]}}
    assert ours.add("token", "other") is False and ours.add("fresh", "v", 60) is True
    assert ours.incr("one") == 2
    ours.delete("token")
    assert ours.get("token", "gone") == "gone" and django.get("fresh") == "v"


def test_keys_are_not_scanned_for_memcached_limits_that_redis_does_not_have(backends):
    ours, django = backends
    long_key = "oskus:page:" + "ü" * 300  # over memcached's 250 characters: Django's backend warns on every call
    with pytest.warns(CacheKeyWarning):
        django.set(long_key, "x", 60)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)
        ours.set(long_key, "y", 60)
        assert ours.get_many([long_key]) == {long_key: "y"} and ours.get(long_key) == "y"
    with pytest.warns(CacheKeyWarning):
        assert django.get(long_key) == "y"  # the same entry either way: only the check is skipped


def test_threads_share_the_client_safely(backends):
    ours, _django = backends
    errors = []

    def work(number):
        try:
            for round_ in range(50):
                ours.set(f"t{number}", round_, 60)
                assert ours.get(f"t{number}") == round_
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ours.get_many([f"t{number}" for number in range(8)]) == {f"t{number}": 49 for number in range(8)}


def test_reads_survive_a_dropped_connection_and_a_fork(backends, monkeypatch):
    ours, _django = backends
    ours.set("seat", 7, 60)
    assert ours.get("seat") == 7
    reader = ours._cache._reader()
    admin = ours._cache.get_client(write=True)
    name = f"reader-{uuid.uuid4().hex}"
    reader.send_command("CLIENT", "SETNAME", name)
    assert reader.read_response() in (b"OK", "OK", True)
    killed = [client for client in admin.client_list() if client.get("name") == name]
    admin.client_kill_filter(_id=killed[0]["id"])  # as a Redis restart or an idle timeout would
    assert ours.get("seat") == 7 and ours.get_many(["seat", "none"]) == {"seat": 7}
    assert ours._cache._reader() is reader  # reconnected, not replaced

    real_pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: real_pid + 1)  # a forked worker must not share the parent's socket
    assert ours._cache._reader() is not reader
    assert ours.get("seat") == 7


def test_version_writes_go_over_a_plain_connection_one_command_each_and_survive_a_dropped_one(backends, monkeypatch):
    """The after-commit invalidation's `set` and `set_many` (no expiry: one MSET) skip redis-py's client; their
    entries and expiries are Django's."""
    ours, django = backends
    admin = ours._cache.get_client(write=True)
    writer = ours._cache._writer()
    name = f"writer-{uuid.uuid4().hex}"
    writer.send_command("CLIENT", "SETNAME", name)
    assert writer.read_response() in (b"OK", "OK", True)
    admin.client_kill_filter(_id=[c for c in admin.client_list() if c.get("name") == name][0]["id"])
    sent = []
    real_round_trip = redis_cache._round_trip

    def recorded(connection, commands):
        sent.extend(command[0] for command in commands)
        return real_round_trip(connection, commands)

    monkeypatch.setattr(redis_cache, "_round_trip", recorded)
    monkeypatch.setattr(ours._cache, "get_client", lambda *args, **kwargs: pytest.fail("used the client"))
    ours.set("version", "v1", None)
    ours.set("page", {"body": b"<html>"}, 60)
    ours.set_many({"path:/": "a", "path:/koolitused/": 7}, None)
    monkeypatch.undo()
    assert sent == ["SET", "SET", "SET", "MSET"]  # the first SET met the dropped connection and was sent again
    assert django.get_many(["version", "page", "path:/", "path:/koolitused/"]) == {
        "version": "v1", "page": {"body": b"<html>"}, "path:/": "a", "path:/koolitused/": 7}
    assert admin.ttl(ours.make_and_validate_key("version")) == -1
    assert 0 < admin.ttl(ours.make_and_validate_key("page")) <= 60
    assert admin.ttl(ours.make_and_validate_key("path:/")) == -1
    assert ours.incr("path:/koolitused/") == 8  # stored as Django stores integers
    ours.set("version", "gone", 0)  # a zero timeout deletes, as in Django
    assert django.get("version") is None


def test_set_many_get_writes_then_reads_in_one_round_trip(backends, monkeypatch):
    ours, django = backends
    ours.set("tree", "t1", None)
    sends = []
    original = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command",
                        lambda self, *args, **kwargs: sends.append(1) or original(self, *args, **kwargs))
    found = ours.set_many_get({"page-a": "v2", "schedule": 17}, ["tree", "page-a", "missing"])
    assert len(sends) == 1
    assert found == {"tree": "t1", "page-a": "v2"}  # the read follows the write
    assert django.get_many(["page-a", "schedule"]) == {"page-a": "v2", "schedule": 17}
    assert django._cache.get_client().ttl(django.make_key("schedule")) == -1  # no expiry, as set_many(…, None)
    assert ours.set_many_get({}, ["tree"]) == {"tree": "t1"} and ours.set_many_get({"x": 1}, []) == {}
