"""The tables every enrollment writes carry only indexes something reads: each one more is updated by every
enrollment, inside the transaction that holds the cohort's lock (bench/README.md)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from enrollment.models import Enrollment
from outbox.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # PostgreSQL's catalogue; SQLite has no pattern ops


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


def test_the_message_log_has_no_index_for_like_lookups_and_one_per_purpose():
    definitions = _indexes(Message._meta.db_table).values()
    assert not [d for d in definitions if "pattern_ops" in d]
    on_kind = [d for d in definitions if d.endswith('("kind")') or d.endswith("(kind)")]
    assert len(on_kind) == 1  # the message log's filter by kind, once


def test_the_resend_and_idempotency_indexes_hold_only_the_messages_that_have_one():
    definitions = list(_indexes(Message._meta.db_table).values())
    for column in ("resent_from_id", "idempotency_key"):
        on_column = [d for d in definitions if f"({column})" in d]
        assert len(on_column) == 1 and f"WHERE ({column} IS NOT NULL)" in on_column[0], on_column


def test_enrollments_are_found_by_cohort_through_the_cohort_and_status_index_alone():
    definitions = list(_indexes(Enrollment._meta.db_table).values())
    assert [d for d in definitions if "(cohort_id, status)" in d]
    assert not [d for d in definitions if d.endswith("(cohort_id)")]


@pytest.mark.parametrize("field", ["message_id", "idempotency_key"])
def test_a_message_id_and_an_idempotency_key_stay_unique(field):
    def message(**extra):
        values = {"message_id": f"<{timezone.now().timestamp()}-{extra.get('n', 0)}@oskus.ee>", "kind": "test",
                  "builder": "a.b", "idempotency_key": f"key-{extra.get('n', 0)}"}
        values[field] = "the-same"
        return Message(**values)

    message(n=1).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        message(n=2).save()
    assert Message.objects.filter(**{field: "the-same"}).count() == 1


def test_messages_without_a_key_or_an_original_are_many_and_a_resend_finds_its_original():
    first = Message.objects.create(message_id="<1@oskus.ee>", kind="test", builder="a.b")
    second = Message.objects.create(message_id="<2@oskus.ee>", kind="test", builder="a.b", resent_from=first)
    Message.objects.create(message_id="<3@oskus.ee>", kind="test", builder="a.b")
    assert Message.objects.filter(idempotency_key__isnull=True).count() == 3
    assert list(first.resends.all()) == [second]
    first.delete()  # the resend keeps its row, its original gone (SET NULL through the partial index)
    second.refresh_from_db()
    assert second.resent_from_id is None
