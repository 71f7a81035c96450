"""leansql: plain statements on the hottest write path give the same rows and instances as the ORM, prepared once
per connection on PostgreSQL, on SQLite too."""

import datetime as dt
import secrets
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from courses.pages import CoursePage
from enrollment.models import Cohort, Enrollment, EnrollmentEvent
from leansql import ModelColumns, Statement, constants, fetchone_last, insert, insert_all
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


def _next_enrollment_key(is_postgres) -> int | None:
    if not is_postgres:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('enrollment_enrollment', 'id'))")
        return cursor.fetchone()[0]


def test_insert_all_writes_the_rows_insert_writes_in_one_statement_with_keys_and_signals(is_postgres):
    cohort = factories.CohortFactory()
    user = factories.UserFactory()
    seen = []

    def pre(sender, instance, **kwargs):
        seen.append(("pre", sender.__name__, instance.pk if sender is Enrollment else None))

    def post(sender, instance, created, **kwargs):
        seen.append(("post", sender.__name__, created))

    def rows(key):
        enrollment = Enrollment(pk=key, user=user, cohort=cohort, status="cancelled", answers={"dietary": "Kala"})
        if key is None:  # no key allocated in advance (SQLite): the enrollment goes first
            insert(enrollment)
        event = EnrollmentEvent(enrollment=enrollment, actor=user, to_status="confirmed", reason="Enrolled.")
        message = Message(message_id=f"<{secrets.token_hex(8)}@oskus.ee>", kind="confirmation", recipient=user,
                          builder="a.b", params={"enrollment_id": enrollment.pk}, enrollment_id=enrollment.pk)
        return enrollment, event, message

    by_orm = rows(_next_enrollment_key(is_postgres))
    for instance in by_orm:
        if instance._state.adding:
            instance.save(force_insert=True)
    ours = rows(_next_enrollment_key(is_postgres))
    for model in (Enrollment, EnrollmentEvent, Message):
        signals.pre_save.connect(pre, sender=model)
        signals.post_save.connect(post, sender=model)
    try:
        with CaptureQueriesContext(connection) as queries:
            saved = insert_all(*(instance for instance in ours if instance._state.adding))
    finally:
        for model in (Enrollment, EnrollmentEvent, Message):
            signals.pre_save.disconnect(pre, sender=model)
            signals.post_save.disconnect(post, sender=model)
    assert all(instance.pk is not None and not instance._state.adding for instance in ours)
    for orm_instance, our_instance in zip(by_orm, ours, strict=True):
        linked = {"enrollment_id", "params"}  # the only difference: each set names its own enrollment
        assert ({k: v for k, v in _fields(_reloaded(our_instance)).items() if k not in linked}
                == {k: v for k, v in _fields(_reloaded(orm_instance)).items() if k not in linked})
    event, message = _reloaded(ours[1]), _reloaded(ours[2])
    assert event.enrollment_id == message.enrollment_id == ours[0].pk
    assert message.params == {"enrollment_id": ours[0].pk}
    if is_postgres:
        assert len(queries.captured_queries) == 1 and queries.captured_queries[0]["sql"].startswith(
            "EXECUTE oskus_insert_all_")
        assert [instance.pk for instance in saved] == [ours[0].pk, ours[1].pk, ours[2].pk]
        assert seen == [("pre", "Enrollment", ours[0].pk), ("pre", "EnrollmentEvent", None), ("pre", "Message", None),
                        ("post", "Enrollment", True), ("post", "EnrollmentEvent", True), ("post", "Message", True)]
    else:
        assert len(queries.captured_queries) == 2  # one INSERT each
        assert [step for step, *_rest in seen] == ["pre", "post", "pre", "post"]


def test_insert_all_inserts_all_or_nothing_and_refuses_what_insert_refuses():
    user = factories.UserFactory()
    insert(Message(message_id="<taken@oskus.ee>", kind="x", builder="a.b"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all(Message(message_id="<fresh@oskus.ee>", kind="x", builder="a.b", recipient=user),
                   Message(message_id="<taken@oskus.ee>", kind="x", builder="a.b", recipient=user))
    assert not Message.objects.filter(message_id="<fresh@oskus.ee>").exists()
    saved = insert(EnrollmentEvent(enrollment=factories.EnrollmentFactory(), to_status="confirmed"))
    with pytest.raises(ValueError, match="saved already"):
        insert_all(Message(message_id="<other@oskus.ee>", kind="x", builder="a.b"), saved)
    with pytest.raises(ValueError):  # as save() refuses it: the relation has no key yet
        insert_all(Message(message_id="<third@oskus.ee>", kind="x", builder="a.b"),
                   EnrollmentEvent(enrollment=Enrollment(), to_status="confirmed"))


def test_fetchone_last_runs_every_statement_in_order_in_one_round_trip(is_postgres):
    first = Statement("test_remember", lambda: "SELECT set_config('oskus.test_value', %s, true)"
                      if is_postgres else "SELECT %s")
    then = Statement("test_recall", lambda: "SELECT current_setting('oskus.test_value') || %s"
                     if is_postgres else "SELECT %s")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        row = fetchone_last((first, ["Võru"]), (then, ["maa"]))
    if is_postgres:  # the second statement saw what the first one did
        assert row == ("Võrumaa",)
        assert [query["sql"] for query in queries.captured_queries] == [
            "EXECUTE oskus_test_remember('Võru'); EXECUTE oskus_test_recall('maa')"]
    else:
        assert row == ("maa",) and len(queries.captured_queries) == 2
    with pytest.raises(ValueError, match="no statements"):
        fetchone_last()


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


def _page_row(columns, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.select_list} FROM courses_coursepage JOIN wagtailcore_page "  # noqa: S608
                       "ON wagtailcore_page.id = courses_coursepage.page_ptr_id WHERE wagtailcore_page.id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.parametrize("fields", [None, ("id", "page_ptr_id", "title", "one_cohort_at_a_time")])
def test_an_instance_built_without_init_holds_what_from_db_gives(fields):
    """Cohorts and course pages skip Model.__init__ (and modelcluster's and Wagtail's): the same attributes."""
    course = factories.CohortFactory().course
    columns = ModelColumns(CoursePage, fields)
    row = list(_page_row(columns, course.pk))
    ours = columns.instance(row)
    for index, (column, converters) in enumerate(columns._converters):
        for converter in converters:
            row[index] = converter(row[index], column, connection)
    theirs = CoursePage.from_db(connection.alias, columns.attnames, row)
    assert type(ours) is CoursePage
    assert {k: v for k, v in vars(ours).items() if k != "_state"} == {k: v for k, v in vars(theirs).items()
                                                                      if k != "_state"}
    assert (ours._state.adding, ours._state.db) == (False, connection.alias) == (theirs._state.adding,
                                                                               theirs._state.db)
    assert ours.get_deferred_fields() == theirs.get_deferred_fields()
    assert ours.title == course.title and ours.content_type_id == course.content_type_id  # deferred: loads


def test_init_runs_for_a_model_someone_listens_to():
    course = factories.CohortFactory().course
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(listener, sender=CoursePage)
    try:
        loaded = ModelColumns(CoursePage).instance(_page_row(ModelColumns(CoursePage), course.pk))
    finally:
        signals.post_init.disconnect(listener, sender=CoursePage)
    assert seen == [loaded] and loaded.pk == course.pk


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
