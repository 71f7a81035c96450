"""Cache writes that follow a commit, gathered per transaction and sent together: one round trip per cache.

A change makes cached pages stale by writing new version tokens once it commits (before the commit, a page
rendered from the old rows could be stored under the new version). One enrollment makes several stale: its
course's pages (courses.caching) and every "My trainings" list (enrollment.my_trainings.cache). Each used to
write after the commit on its own, one cache round trip each, and the page cache read the page tree's version
in a third. Here the writes of a transaction gather in one on_commit hook; with the project's Redis backend the
versions go out in one MSET and the keys to check come back with an MGET in the same round trip.

Every write registers the batch's hook again (Django's on_commit): the first of them to run sends the whole
batch, the others find it sent. So a savepoint that rolls back, which drops the hooks registered inside it,
never drops a write made outside it; a write made inside it may still go out with the batch, which only makes
a page stale that was not (never the reverse). A batch none of whose hooks is registered any more (its
transaction rolled back) is not reused. A write's value is made when the batch is sent, after the commit.
Outside a transaction the writes go out at once. A crash between the commit and the hook loses only versions:
a page or list stored before it lives no longer than its own expiry (10 minutes by default), as with any lost bump.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import transaction

_local = threading.local()


class _Batch:
    """The writes of one transaction, per cache alias: key -> value factory, and keys to read back with them."""

    def __init__(self):
        self.values: dict[str, dict[str, Callable[[], Any]]] = {}
        self.checks: dict[str, list[tuple[str, Callable[[Any], None]]]] = {}
        self.sent = False

    def flush(self) -> None:
        if self.sent:
            return
        self.sent = True
        for alias in self.values.keys() | self.checks.keys():
            cache = caches[alias]
            values = {key: make() for key, make in self.values.get(alias, {}).items()}
            checks = self.checks.get(alias, [])
            keys = list(dict.fromkeys(key for key, _check in checks))
            found = _set_many_get(cache, values, keys)
            for key, check in checks:
                check(found.get(key))


def _set_many_get(cache, values: dict, keys: list) -> dict:
    """Write `values` without expiry and read `keys` after them: one round trip on Redis (oskus.redis_cache)."""
    combined = getattr(cache, "set_many_get", None)
    if combined is not None:
        return combined(values, keys)
    if values:
        cache.set_many(values, None)
    return cache.get_many(keys) if keys else {}


def _batch() -> tuple[_Batch, bool]:
    """This transaction's batch, its hook registered for the write being added, and whether the writes wait for
    the commit (False: send them now)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return _Batch(), False
    batch = getattr(_local, "batch", None)
    registered = batch is not None and any(getattr(hook, "__self__", None) is batch  # the newest first: found at once
                                           for _ids, hook, *_rest in reversed(connection.run_on_commit))
    if not registered or batch.sent:
        batch = _local.batch = _Batch()
    transaction.on_commit(batch.flush)
    return batch, True


def write_after_commit(alias: str, values: dict[str, Callable[[], Any]]) -> None:
    """Write each key's `make_value()` (no expiry) in cache `alias` once the transaction commits."""
    batch, waits = _batch()
    batch.values.setdefault(alias, {}).update(values)
    if not waits:
        batch.flush()


def check_after_commit(alias: str, key: str, check: Callable[[Any], None]) -> None:
    """Read `key` of cache `alias` with the writes after the commit and call `check` with its value (None if
    missing); `check` may write again on its own (a rare second round trip)."""
    batch, waits = _batch()
    batch.checks.setdefault(alias, []).append((key, check))
    if not waits:
        batch.flush()
