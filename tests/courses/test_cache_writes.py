"""The cache writes that follow a commit (courses/cache_writes.py): gathered per transaction and sent together
after it commits, none lost to a savepoint that rolled back, none sent for a transaction that rolled back."""

import os
import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.db import transaction

from courses import cache_writes, caching
from courses.pages import ProgrammePart
from enrollment import services
from enrollment.my_trainings import cache as my_trainings_cache
from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def page_caches(settings):
    settings.OSKUS_PAGE_CACHE = True
    settings.OSKUS_MY_TRAININGS_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_cache(settings, page_caches):
    """The project's Redis backend as the default cache, on the machine's real Redis, under a fresh prefix."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "oskus.redis_cache.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix}}
    client = caches["default"]._cache.get_client(write=True)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"no Redis at {REDIS_URL}: the machines start one on 127.0.0.1:6379")
    yield caches["default"]
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def redis_sends(monkeypatch):
    """Every write redis-py puts on a socket (a round trip each here: every command waits for its reply)."""
    sends = []
    original = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command",
                        lambda self, *args, **kwargs: sends.append(1) or original(self, *args, **kwargs))
    return sends


def test_an_enrollments_stale_pages_and_lists_are_one_round_trip_after_the_commit(
        site_tree, redis_cache, redis_sends, specialist, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "outbox.backend.DatabaseBackend"}}  # the relay sends e-mails, as live
    with django_capture_on_commit_callbacks(execute=True):  # the set-up's own writes are sent here
        course = factories.CoursePageFactory(title="Eakate vaimne tervis", slug="eakate-vaimne-tervis")
        cohort = cohort_with_session(course, capacity=5)
    paths = caching.course_paths(course.pk)  # remembered by this process, as after the first enrollment
    keys = [caching.path_version_key(path) for path in paths] + [my_trainings_cache.SCHEDULE_KEY]
    before = redis_cache.get_many(keys)

    with django_capture_on_commit_callbacks(execute=False) as hooks:
        services.enrollment_create(user=specialist, cohort=cohort, answers={})
    del redis_sends[:]
    for hook in hooks:
        hook()

    assert len({getattr(hook, "__self__", hook) for hook in hooks}) == 1  # one batch, no other after-commit work
    assert len(redis_sends) == 1  # the course's page versions, the lists' version and the tree's version
    after = redis_cache.get_many(keys)
    assert set(after) == set(keys) and all(after[key] != before.get(key) for key in keys)


def test_a_page_tree_changed_since_the_paths_were_remembered_makes_the_new_paths_stale(
        site_tree, page_caches, specialist, django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory(title="Sõltuvused", slug="soltuvused")
    cohort = cohort_with_session(course, capacity=5)
    caching.course_paths(course.pk)
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti programm")
    ProgrammePart.objects.create(page=programme, course=course, sort_order=1)  # its own hooks are not run here:
    cache.set(caching.TREE_VERSION_KEY, "bumped-by-another-process", None)  # another process bumped the tree
    programme_key = caching.path_version_key(caching._public_paths([programme.url_path]).pop())
    cache.set(programme_key, "before", None)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=specialist, cohort=cohort, answers={})

    assert cache.get(programme_key) not in (None, "before")  # found under the tree as it is now


def test_a_savepoint_rolled_back_with_the_batch_loses_no_later_write(page_caches,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                cache_writes.write_after_commit("default", {"rolled-back": lambda: "no"})
                raise RuntimeError
            cache_writes.write_after_commit("default", {"kept": lambda: "yes"})
            assert cache.get("kept") is None  # not before the commit
    assert cache.get("kept") == "yes"
    assert cache.get("rolled-back") is None


def test_values_are_made_after_the_commit_and_a_rolled_back_transaction_writes_nothing(
        page_caches, django_capture_on_commit_callbacks):
    made = []
    with django_capture_on_commit_callbacks(execute=True):
        cache_writes.write_after_commit("default", {"version": lambda: made.append(1) or len(made)})
        cache_writes.write_after_commit("default", {"version": lambda: made.append(2) or len(made)})
        assert made == []
    assert made == [2] and cache.get("version") == 1  # the last write of a key counts, made once

    with pytest.raises(RuntimeError), transaction.atomic():
        cache_writes.write_after_commit("default", {"never": lambda: "x"})
        raise RuntimeError
    assert cache.get("never") is None


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_writes_go_out_at_once(page_caches):
    seen = []
    cache_writes.write_after_commit("default", {"now": lambda: "written"})
    cache_writes.check_after_commit("default", "now", seen.append)
    assert cache.get("now") == "written" and seen == ["written"]
