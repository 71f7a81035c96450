"""Signals that higher apps (certificates) subscribe to; enrollment never imports them."""

from django.dispatch import Signal

# The three completion signals are sent by tasks that the completion services record in the transaction of
# the change (`attendance.services.completion_announce_task`, `cohort_finished_announce_task`; outbox): after
# the commit, in the task worker, AT LEAST ONCE (a task whose worker died runs again). Receivers must be
# idempotent and do their own transactions; work they start goes through outbox.enqueue_in_transaction.
#
# After an enrollment became COMPLETED (closing a cohort, or re-evaluating one already closed) and is still
# completed when the task runs; kwargs: enrollment.
enrollment_completed = Signal()
# When attendance corrected after closing turned a COMPLETED enrollment into NOT_COMPLETED (and it still is);
# kwargs: enrollment, reason (the new figures). Certificates revokes the enrollment's certificate (and an
# automatic programme certificate that no longer holds).
enrollment_completion_withdrawn = Signal()
# When a cohort is closed as finished (its completion computed); kwargs: cohort.
cohort_finished = Signal()
# Sent by `services.trainers_check` (which `trainers_assign`, `cohort_update` and the cohort admin form call)
# BEFORE trainers are added to a cohort; kwargs: cohort (may be unsaved), course, trainers (the people being
# ADDED, a list of users), days (the local dates the cohort teaches on, from its sessions; empty when it has
# none yet). Receivers raise django.core.exceptions.ValidationError to refuse; certificates checks the
# trainer qualifications here, against the cohort's own dates.
cohort_trainers_validate = Signal()
# Sent by `services.trainer_candidates()`; no kwargs. Receivers return a queryset of user ids (one column)
# of people who may be chosen as trainers besides the Trainers group; certificates answers with everyone
# holding a valid trainer qualification.
trainer_candidates_collect = Signal()
