"""The prompt in "My trainings" is part of the person's cached page (enrollment/my_trainings/cache.py): an
invitation made, answered or removed makes that person's page stale; a questionnaire's dates or wording changed
make everybody's stale (rare: coordinators' edits)."""

from django.db.models.signals import post_delete, post_save

from enrollment.my_trainings import cache as my_trainings_cache


def invitation_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        my_trainings_cache.person_changed(instance.user_id)


def survey_changed(sender, instance=None, raw=False, **kwargs) -> None:
    if not raw:
        my_trainings_cache.schedule_changed()


def connect_my_trainings_cache() -> None:
    for signal in (post_save, post_delete):
        signal.connect(invitation_changed, sender="feedback.Invitation", dispatch_uid=f"feedback.inv.{signal}")
        signal.connect(survey_changed, sender="feedback.Survey", dispatch_uid=f"feedback.survey.{signal}")
