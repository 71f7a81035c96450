"""Signals that higher apps (certificates) subscribe to; enrollment never imports them."""

from django.dispatch import Signal

# Sent by the completion service after an enrollment became COMPLETED; kwargs: enrollment.
enrollment_completed = Signal()
# Sent when a cohort is closed as finished (its completion computed); kwargs: cohort.
cohort_finished = Signal()
