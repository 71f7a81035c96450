"""Keep calendar files correct when sessions change: SEQUENCE rises on every change of time, place or status.

Connected in `EnrollmentConfig.ready()`. A `Session.save()` compares the row with the stored one:
a different start, end, venue, online link or status raises `sequence` by one. A cohort that becomes
cancelled (or is taken back from cancelled) raises the sequence of all its sessions. Bulk
`QuerySet.update()` sends no signals: such code must call `enrollment.calendar.services.sessions_sequence_bump`.

The e-mail attachment builder (iTIP invitations) is `enrollment.calendar.invitations.attach_invitations`,
also registered in `EnrollmentConfig.ready()`.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from ..models import Cohort, CohortStatus, Session
from .services import sessions_sequence_bump

CALENDAR_FIELDS = ("starts_at", "ends_at", "venue_id", "online_url", "status")


@receiver(pre_save, sender=Session, dispatch_uid="calendar_session_sequence")
def session_sequence_on_change(sender, instance: Session, raw=False, update_fields=None, **kwargs):
    instance._calendar_bumped = False
    if raw or instance.pk is None:
        return
    stored = Session.objects.filter(pk=instance.pk).values(*CALENDAR_FIELDS, "sequence").first()
    if stored is None:
        return
    if any(getattr(instance, name) != stored[name] for name in CALENDAR_FIELDS):
        instance.sequence = stored["sequence"] + 1
        instance._calendar_bumped = True


@receiver(post_save, sender=Session, dispatch_uid="calendar_session_sequence_saved")
def session_sequence_saved(sender, instance: Session, created=False, raw=False, update_fields=None, **kwargs):
    """`save(update_fields=[...])` without "sequence" would drop the raised value: write it here."""
    if raw or created or not getattr(instance, "_calendar_bumped", False):
        return
    if update_fields is not None and "sequence" not in update_fields:
        Session.objects.filter(pk=instance.pk).update(sequence=instance.sequence)


@receiver(pre_save, sender=Cohort, dispatch_uid="calendar_cohort_status")
def cohort_status_remember(sender, instance: Cohort, raw=False, **kwargs):
    instance._calendar_status_changed = False
    if raw or instance.pk is None:
        return
    stored = Cohort.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    was, now = stored == CohortStatus.CANCELLED, instance.status == CohortStatus.CANCELLED
    instance._calendar_status_changed = stored is not None and was != now


@receiver(post_save, sender=Cohort, dispatch_uid="calendar_cohort_status_saved")
def cohort_status_bump_sessions(sender, instance: Cohort, raw=False, **kwargs):
    if raw or not getattr(instance, "_calendar_status_changed", False):
        return
    sessions_sequence_bump(cohort_id=instance.pk)
