"""Signals that higher apps (certificates) subscribe to; enrollment never imports them."""

from django.dispatch import Signal

# Sent by the completion service after an enrollment became COMPLETED; kwargs: enrollment.
enrollment_completed = Signal()
# Sent when a cohort is closed as finished (its completion computed); kwargs: cohort.
cohort_finished = Signal()
# Sent by the cohort admin form's clean() (and any other place that assigns trainers) BEFORE saving;
# kwargs: cohort (may be unsaved), course, trainers (list of users). Receivers raise
# django.core.exceptions.ValidationError to refuse; certificates checks trainer qualifications here.
cohort_trainers_validate = Signal()
