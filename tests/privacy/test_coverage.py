"""Every model that points to a person (or to something a person owns) is covered by privacy/registry.py,
and every kind of record of a person with rows in every table is in their export."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from privacy import registry
from privacy.services.exports import collect

from .conftest import EMAIL, NAME


def _relations():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.concrete and field.related_model:
                yield model, field


def personal_links() -> set[str]:
    """Relations to the user model, and (transitively) to every model a person owns: a model reached from the
    user by a required foreign key or one-to-one (Profile, Enrollment, Attendance, Certificate, ...), and to
    `enrollment.Enrollment` in any case."""
    user_model = get_user_model()
    owned = {user_model, apps.get_model("enrollment", "Enrollment")}
    changed = True
    while changed:
        changed = False
        for model, field in _relations():
            if (field.many_to_one or field.one_to_one) and not field.null and field.related_model in owned \
                    and model not in owned and not model._meta.proxy:
                owned.add(model)
                changed = True
    return {f"{field.model._meta.label}.{field.name}" for model, field in _relations()
            if field.related_model in owned and field.model is model and not model._meta.proxy}


def test_every_relation_to_a_person_is_covered_by_export_and_erasure():
    missing = sorted(personal_links() - registry.covered_links())
    assert missing == [], "add these to privacy/registry.py (an export and an erase function each)"


def test_the_registry_names_only_relations_that_exist():
    assert sorted(registry.covered_links() - personal_links()) == []


def test_every_entry_has_an_export_and_an_erase_function():
    for entry in registry.REGISTRY:
        assert callable(entry.export) and callable(entry.erase), entry.name


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_export_contains_every_kind_of_record(person):
    document = collect(person)
    empty = [entry.name for entry in registry.installed() if not document["data"][entry.name]]
    assert empty == []
    data = document["data"]
    assert data["account"][0]["email"] == EMAIL and data["account"][0]["full_name"] == NAME
    assert data["profile"][0]["organisation"] == "Võru Vallavalitsus"
    enrollment = next(e for e in data["enrollments"] if e["status"] == "completed")
    assert enrollment["answers"]["dietary_needs"] == "gluteenivaba"
    assert enrollment["history"][0]["to"] == "completed"
    assert data["attendance"][0]["status"] == "present"
    assert data["hours"][0]["attended_hours"] == 8
    assert data["certificates"][0]["pdf"].endswith(".pdf")
    assert {m["kind"] for m in data["emails_sent"]} == {"account", "enrollment"}
    assert data["calendar_feed"] == [{"feed_active": True}]
    assert data["second_factor"][0]["type"] == "totp"
    assert "S3CRET" not in str(data)  # never a secret
    assert "EE38001085718" not in str(data)  # the national identity code is the link, not exported data
    assert data["social_accounts"][0]["provider"] == "tara"
    named = next(row["named_answer"] for row in data["feedback"] if "named_answer" in row)
    assert {a["question"]: a["answer"] for a in named["answers"]}["Hinnang"] == "5"
    assert any(row.get("answered_on") for row in data["feedback"])
    assert data["sessions"], "the logged-in session"
