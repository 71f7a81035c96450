"""Signals that higher apps (certificates) subscribe to; enrollment never imports them."""

from django.dispatch import Signal

# Sent after commit by the completion services (closing a cohort, or re-evaluating one already closed) after
# an enrollment became COMPLETED; kwargs: enrollment.
enrollment_completed = Signal()
# Sent after commit by `attendance.services.completion_reevaluate` when attendance corrected after closing turned
# a COMPLETED enrollment into NOT_COMPLETED; kwargs: enrollment, reason (the new figures). Certificates revokes
# the enrollment's certificate (and an automatic programme certificate that no longer holds).
enrollment_completion_withdrawn = Signal()
# Sent when a cohort is closed as finished (its completion computed); kwargs: cohort.
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
