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
