"""The audit trail of staff viewing or exporting people's personal data: one call per view,
`personal_data_viewed(request, what=..., obj=..., subject_ids=...)`.

Each call writes one Wagtail log entry (`ModelLogEntry`, action `oskus.personal_data.view`) about the member
of staff who looked (through the proxy model `PersonalDataAccess`, whose permissions only administrators
hold, so coordinators cannot read the trail). The entry holds ids only: what was seen ("attendance_roster"),
the object ("enrollment.session:12") and the ids of the people in it — never a name (its label is "#<id>").
"""

from django.db import models
from wagtail.log_actions import log

from .models import PersonalDataAccess

ACTION = "oskus.personal_data.view"
WHAT = ("attendance_roster", "attendance_export", "participant_export", "person_detail", "enrollment_detail",
        "my_data_on_behalf")


def personal_data_viewed(request_or_user, *, what: str, obj: models.Model | None = None, subject_ids=()) -> None:
    """Record that the logged-in staff member saw `what` (one of WHAT) about `obj` and the people
    `subject_ids` (user ids; a queryset of ids is read once)."""
    if what not in WHAT:
        raise ValueError(f"unknown personal-data view {what!r}")
    user = getattr(request_or_user, "user", request_or_user)
    if not getattr(user, "is_authenticated", False):
        return
    actor = PersonalDataAccess(pk=user.pk)
    data = {"what": what, "subjects": sorted({int(pk) for pk in subject_ids if pk is not None})}
    if obj is not None:
        data["object"] = f"{obj._meta.label_lower}:{obj.pk}"
    log(instance=actor, action=ACTION, user=user, title=f"#{user.pk}", data=data)
