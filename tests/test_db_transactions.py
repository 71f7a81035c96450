"""oskus.postgresql: a transaction's BEGIN travels with its first statement and a deferred write with the next
statement or the COMMIT, and the transaction means exactly what it meant with psycopg2's own BEGIN and COMMIT."""

import threading

import psycopg2
import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, connections, transaction

from oskus.postgresql import transactions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def messages(monkeypatch):
    """Every message the test's connection sends to the server, as the text psycopg2 sent."""
    sent = []
    real_execute, real_send = transactions.Cursor.execute, transactions._send

    def execute(cursor, query, vars=None):  # noqa: A002 - psycopg2's name
        result = real_execute(cursor, query, vars)
        if cursor.connection is connection.connection:
            sent.append(cursor.query.decode())
        return result

    def send(conn, parts, params):
        real_send(conn, parts, params)
        if conn is connection.connection:
            sent.append("; ".join(parts))

    monkeypatch.setattr(transactions.Cursor, "execute", execute)
    monkeypatch.setattr(transactions, "_send", send)
    return sent


def _defer_group(name: str) -> bool:
    return connection.defer('INSERT INTO "auth_group" ("name") VALUES (%s)', [name])


def _names() -> list[str]:
    """The groups these tests made (the role groups exist already)."""
    return sorted(Group.objects.filter(name__startswith="t-").values_list("name", flat=True))


def _seen_by_another_connection(name: str) -> bool:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute('SELECT count(*) FROM "auth_group" WHERE "name" = %s', [name])
            return cursor.fetchone()[0] == 1
    finally:
        other.close()


def test_begin_travels_with_the_first_statement_and_commit_ends_it(messages):
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert connection.connection.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_INTRANS
            cursor.execute("SELECT %s", [2])
            assert cursor.fetchone() == (2,)
    assert messages == ["BEGIN; SELECT 1", "SELECT 2", "COMMIT"]
    assert connection.connection.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def test_a_transaction_without_statements_sends_nothing(messages):
    with transaction.atomic():
        pass
    with pytest.raises(ValueError), transaction.atomic():
        raise ValueError
    assert messages == []


def test_a_deferred_write_travels_with_the_commit(messages):
    with transaction.atomic():
        assert _defer_group("t-deferred")
        assert not _seen_by_another_connection("t-deferred")
    assert messages == ['BEGIN; INSERT INTO "auth_group" ("name") VALUES (%s); COMMIT']
    assert _seen_by_another_connection("t-deferred")


def test_a_deferred_write_goes_before_the_next_statement_which_sees_it(messages):
    with transaction.atomic():
        Group.objects.create(name="t-first")
        _defer_group("t-second")
        with connection.cursor() as cursor:  # literal '%' in a statement without parameters stay literal
            cursor.execute("""SELECT string_agg("name", ',' ORDER BY "name"), '100%' FROM "auth_group" """
                           """WHERE "name" LIKE 't-%'""")
            assert cursor.fetchone() == ("t-first,t-second", "100%")
    assert messages[1].startswith('INSERT INTO "auth_group" ("name") VALUES (\'t-second\'); SELECT string_agg')
    assert _names() == ["t-first", "t-second"]


def test_literal_percent_signs_survive_in_every_pending_statement():
    """A deferred write without parameters keeps its '%' literal when it shares a message with parameters."""
    with transaction.atomic():
        connection.defer("""INSERT INTO "auth_group" ("name") VALUES ('t-100%')""")
        _defer_group("t-with-%-param")
        connection.defer("""INSERT INTO "auth_group" ("name") VALUES ('t-50%%')""", [])
    assert _names() == ["t-100%", "t-50%", "t-with-%-param"]
    with transaction.atomic():
        connection.defer("""INSERT INTO "auth_group" ("name") VALUES ('t-alone%')""")
        with connection.cursor() as cursor:
            cursor.execute("""SELECT '1%'""")
            assert cursor.fetchone() == ("1%",)
    assert "t-alone%" in _names()


def test_a_rollback_drops_deferred_writes_and_ends_the_transaction():
    with pytest.raises(ValueError), transaction.atomic():
        Group.objects.create(name="t-made")
        _defer_group("t-deferred")
        raise ValueError
    assert _names() == []
    assert connection.connection.info.transaction_status == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def test_a_savepoint_rollback_drops_only_the_writes_deferred_under_it():
    with transaction.atomic():
        _defer_group("t-before")
        try:
            with transaction.atomic():
                _defer_group("t-inside")
                raise ValueError
        except ValueError:
            pass
        _defer_group("t-after")
    assert _names() == ["t-after", "t-before"]


def test_a_deferred_writes_error_rises_from_the_end_of_the_block_and_nothing_is_committed():
    Group.objects.create(name="t-taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(name="t-fresh")
        _defer_group("t-taken")
    assert _names() == ["t-taken"]
    assert not connection.needs_rollback and len(_names()) == 1  # the connection works on


def test_a_deferred_writes_error_rises_from_the_next_statement_inside_the_block():
    Group.objects.create(name="t-taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        _defer_group("t-taken")
        Group.objects.count()
    assert _names() == ["t-taken"]


def test_outside_a_transaction_nothing_is_deferred():
    assert _defer_group("t-now") is False
    assert _names() == []


def test_a_server_side_cursor_as_the_first_statement_and_locks_held_to_the_commit():
    Group.objects.bulk_create([Group(name=f"t-g{n}") for n in range(5)])
    locked, tried = threading.Event(), []

    def try_lock():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute('SELECT 1 FROM "auth_group" WHERE "name" = %s FOR UPDATE NOWAIT', ["t-g0"])
            tried.append("got it")
        except Exception as error:  # noqa: BLE001 - the lock's refusal is what is looked for
            tried.append(type(error).__name__)
        finally:
            other.close()

    with transaction.atomic():
        made = Group.objects.filter(name__startswith="t-g").order_by("name")
        names = [group.name for group in made.iterator(chunk_size=2)]
        list(Group.objects.select_for_update().filter(name="t-g0"))
        locked.set()
        thread = threading.Thread(target=try_lock)
        thread.start()
        thread.join(10)
    assert names == [f"t-g{n}" for n in range(5)]
    assert tried == ["OperationalError"]  # the row was locked inside the transaction
    try_lock()
    assert tried[-1] == "got it"  # and free after the COMMIT


def test_a_statement_that_fails_before_it_is_sent_loses_nothing_pending():
    """A statement psycopg2 cannot even format (too few parameters) sends nothing, so BEGIN and the deferred write
    wait for the next one: a caller that goes on in the transaction commits the write."""
    with transaction.atomic():
        _defer_group("t-kept")
        with connection.cursor() as cursor, pytest.raises(IndexError):
            cursor.execute("SELECT %s, %s", [1])
    assert _names() == ["t-kept"]


def test_executemany_as_the_first_statement_runs_inside_the_transaction():
    """executemany cannot carry BEGIN in its messages: BEGIN goes first, alone, and a rollback undoes the rows."""
    with pytest.raises(ValueError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany('INSERT INTO "auth_group" ("name") VALUES (%s)', [["t-a"], ["t-b"]])
        assert _names() == ["t-a", "t-b"]
        raise ValueError
    assert _names() == []


def test_a_manual_transaction_keeps_psycopg2s_own_begin_and_commit(messages):
    transaction.set_autocommit(False)
    try:
        Group.objects.create(name="t-manual")
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    assert not any(message.startswith("BEGIN") for message in messages)
    assert _seen_by_another_connection("t-manual")


def test_an_enrollment_is_two_messages_locks_with_begin_and_its_rows_with_the_commit(site_tree, messages):
    from enrollment import services
    from enrollment.models import Enrollment, EnrollmentEvent
    from outbox.models import Message
    from tests import factories

    cohort, person = factories.CohortFactory(capacity=3), factories.UserFactory()
    factories.SessionFactory(cohort=cohort)
    services.enrollment_create(user=factories.UserFactory(), cohort=cohort)  # the statements prepared on the connection
    del messages[:]
    enrollment = services.enrollment_create(user=person, cohort=cohort)
    begin = messages.index(next(m for m in messages if m.startswith("BEGIN")))
    commit = messages.index(next(m for m in messages if m.endswith("COMMIT")))
    in_transaction = messages[begin:commit + 1]  # then the tests' immediate task backend sends the e-mail
    assert len(in_transaction) == 2, in_transaction  # was four: BEGIN, the locks and counts, the INSERT, COMMIT
    assert "cohort_key_lock" in in_transaction[0] and in_transaction[1].endswith("; COMMIT")
    assert "insert_all" in in_transaction[1]
    saved = Enrollment.objects.get(pk=enrollment.pk)
    assert saved.status == "confirmed" and EnrollmentEvent.objects.filter(enrollment=saved).count() == 1
    assert Message.objects.filter(enrollment_id=saved.pk, kind="confirmation").count() == 1


def test_a_duplicate_found_only_by_the_deferred_insert_is_already_enrolled_and_saves_nothing(site_tree, monkeypatch):
    """The unique index is the last line behind the count in the lock: its violation now rises at the COMMIT."""
    import dataclasses

    from enrollment import services
    from enrollment.exceptions import AlreadyEnrolled
    from enrollment.models import Enrollment, EnrollmentEvent
    from enrollment.services import state
    from outbox.models import Message
    from tests import factories

    cohort, person = factories.CohortFactory(capacity=3), factories.UserFactory()
    factories.SessionFactory(cohort=cohort)
    first = services.enrollment_create(user=person, cohort=cohort)
    real_locks = state.enrollment_locks

    def locks_missing_the_first(*args, **kwargs):
        locks = real_locks(*args, **kwargs)
        return dataclasses.replace(locks, counts=dataclasses.replace(locks.counts, mine=0))

    monkeypatch.setattr(state, "enrollment_locks", locks_missing_the_first)
    with pytest.raises(AlreadyEnrolled):
        services.enrollment_create(user=person, cohort=cohort)
    assert list(Enrollment.objects.filter(user=person).values_list("pk", flat=True)) == [first.pk]
    assert EnrollmentEvent.objects.count() == 1 and Message.objects.filter(enrollment_id__isnull=False).count() == 1
