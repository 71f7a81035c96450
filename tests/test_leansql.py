"""leansql: plain statements on the hottest write path give the same rows and instances as the ORM, prepared once
per connection on PostgreSQL, on SQLite too."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from courses.pages import CoursePage
from enrollment.models import Cohort, Enrollment, EnrollmentEvent
from leansql import ModelColumns, Statement, constants, insert
from outbox.models import Message
from tests import factories

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "created_at", "updated_at", "at", "message_id"}  # keys and the clock differ between twins


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
            if field.attname not in VOLATILE}


def _reloaded(instance):
    return type(instance).objects.get(pk=instance.pk)


def _twins(make):
    """The same new row saved by the ORM and by leansql.insert, both read back."""
    by_orm, by_insert = make(), make()
    by_orm.save()
    insert(by_insert)
    return _reloaded(by_orm), _reloaded(by_insert)


def test_an_insert_writes_the_row_the_orm_writes():
    cohort = factories.CohortFactory()
    user = factories.UserFactory()
    joined = timezone.now() - dt.timedelta(hours=1)
    orm, ours = _twins(lambda: Enrollment(user=user, cohort=cohort, status="cancelled", language="en",
                                          answers={"dietary": "Taimetoit", "supervisor": "Õie Ülane"},
                                          waitlist_joined_at=joined))
    assert _fields(ours) == _fields(orm)
    assert ours.answers == {"dietary": "Taimetoit", "supervisor": "Õie Ülane"} and ours.waitlist_joined_at == joined
    assert ours.created_at is not None and ours.updated_at is not None  # auto_now_add and auto_now applied
    orm_event, our_event = _twins(lambda: EnrollmentEvent(enrollment=ours, actor=user, from_status="",
                                                          to_status="cancelled", reason="Enrolled."))
    assert _fields(our_event) == _fields(orm_event) and our_event.at is not None
    orm_message, our_message = _twins(lambda: Message(message_id=f"<{timezone.now().timestamp()}@oskus.ee>",
                                                      kind="waitlisted", recipient=user, builder="a.b",
                                                      params={"enrollment_id": ours.pk}, cohort_id=cohort.pk))
    assert _fields(our_message) == _fields(orm_message)


def test_an_insert_sets_the_key_and_the_state_and_sends_the_save_signals():
    user = factories.UserFactory()
    enrollment = factories.EnrollmentFactory(user=user)
    seen = []

    def pre(sender, instance, raw, update_fields, **kwargs):
        seen.append(("pre", instance.pk, raw, update_fields))

    def post(sender, instance, created, raw, update_fields, **kwargs):
        seen.append(("post", instance.pk, created, raw, update_fields))

    signals.pre_save.connect(pre, sender=EnrollmentEvent)
    signals.post_save.connect(post, sender=EnrollmentEvent)
    try:
        event = insert(EnrollmentEvent(enrollment=enrollment, to_status="confirmed"))
    finally:
        signals.pre_save.disconnect(pre, sender=EnrollmentEvent)
        signals.post_save.disconnect(post, sender=EnrollmentEvent)
    assert event.pk is not None and not event._state.adding and event._state.db == connection.alias
    assert seen == [("pre", None, False, None), ("post", event.pk, True, False, None)]
    assert EnrollmentEvent.objects.filter(pk=event.pk, enrollment=enrollment, to_status="confirmed").exists()


def test_an_insert_refuses_a_saved_instance_a_child_model_and_an_unsaved_relation():
    event = insert(EnrollmentEvent(enrollment=factories.EnrollmentFactory(), to_status="confirmed"))
    with pytest.raises(ValueError, match="saved already"):
        insert(event)
    with pytest.raises(TypeError, match="without parents"):
        insert(CoursePage(title="Sõltuvused"))
    with pytest.raises(ValueError):  # as save() refuses it: the relation has no key yet
        insert(EnrollmentEvent(enrollment=Enrollment(), to_status="confirmed"))
    assert EnrollmentEvent.objects.filter(to_status="confirmed").count() == 1


def test_a_failed_insert_raises_djangos_error_and_leaves_the_transaction_usable_after_a_savepoint():
    from django.db import IntegrityError

    message = insert(Message(message_id="<once@oskus.ee>", kind="x", builder="a.b"))
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            insert(Message(message_id="<once@oskus.ee>", kind="x", builder="a.b"))
        assert Message.objects.filter(message_id="<once@oskus.ee>").get().pk == message.pk


def test_rows_become_the_instances_a_queryset_returns():
    cohort = factories.CohortFactory(eligible_professions=["teacher", "police"], capacity=24)
    user = factories.UserFactory(full_name="Tiina Tamm")
    for model, pk in ((Cohort, cohort.pk), (User, user.pk)):
        columns = ModelColumns(model, alias="t")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns.select_list} FROM {model._meta.db_table} t WHERE t.id = %s", [pk])  # noqa: S608
            ours = columns.instance(cursor.fetchone())
        theirs = model.objects.get(pk=pk)
        assert _fields(ours) | {"id": ours.pk} == _fields(theirs) | {"id": theirs.pk}
        assert not ours._state.adding and ours._state.db == connection.alias
    assert ours.date_joined.tzinfo is not None  # the backend's converters ran (SQLite returns text)


def test_some_columns_of_a_child_model_come_from_each_table_and_the_rest_is_deferred():
    course = factories.CohortFactory().course
    columns = ModelColumns(CoursePage, ("id", "page_ptr_id", "title", "ask_supervisor"))
    assert '"wagtailcore_page"."title"' in columns.select_list.replace("`", '"')
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.select_list} FROM courses_coursepage JOIN wagtailcore_page "  # noqa: S608
                       "ON wagtailcore_page.id = courses_coursepage.page_ptr_id WHERE wagtailcore_page.id = %s",
                       [course.pk])
        ours = columns.instance(cursor.fetchone())
    assert (ours.pk, ours.title, ours.ask_supervisor) == (course.pk, course.title, course.ask_supervisor)
    assert "one_cohort_at_a_time" in ours.get_deferred_fields()
    with pytest.raises(ValueError, match="no concrete fields"):
        ModelColumns(CoursePage, ("title", "no_such_field"))


def test_a_statement_is_prepared_once_per_connection_outside_the_query_log_and_outlives_a_rollback(is_postgres):
    statement = Statement("test_twice", lambda: "SELECT %s + 1, %s")
    with CaptureQueriesContext(connection) as queries:
        assert statement.fetchone([1, "a"]) == (2, "a")
        assert statement.fetchone([41, "b"]) == (42, "b")
    logged = [query["sql"] for query in queries.captured_queries]
    if not is_postgres:
        assert logged == ["SELECT 1 + 1, 'a'", "SELECT 41 + 1, 'b'"]
        return
    assert logged == ["EXECUTE oskus_test_twice(1, 'a')", "EXECUTE oskus_test_twice(41, 'b')"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'oskus_test_twice'")
        assert cursor.fetchone() == (1,)
    with transaction.atomic():
        other = Statement("test_rolled_back", lambda: "SELECT %s * 2")
        assert other.fetchone([21]) == (42,)
        transaction.set_rollback(True)
    assert other.fetchone([5]) == (10,)
    answers = []

    def on_another_connection():  # each thread has its own connection: it prepares the statement again
        try:
            answers.append(statement.fetchone([2, "c"]))
        finally:
            connection.close()

    thread = threading.Thread(target=on_another_connection)
    thread.start()
    thread.join()
    assert answers == [(3, "c")]


def test_a_statement_refuses_a_stray_percent_and_a_bad_name():
    with pytest.raises(ValueError, match="other '%'"):
        Statement("test_percent", lambda: "SELECT %s WHERE title LIKE '50%'")._prepared  # noqa: B018
    with pytest.raises(ValueError, match="statement name"):
        Statement("drop table", lambda: "SELECT 1")


def test_constants_are_lowercase_words_only():
    assert constants(["confirmed", "not_completed"]) == "'confirmed', 'not_completed'"
    for bad in (["x'; DROP TABLE t; --"], ["Confirmed"], [], ["ü"]):
        with pytest.raises(ValueError, match="not constants"):
            constants(bad)
