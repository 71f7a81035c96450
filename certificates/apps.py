from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    managed_by_coordinators = True  # accounts.roles gives coordinators every permission of this app
    verbose_name = _("Certificates")

    def ready(self):
        # Imported here, not at the top: the receivers import services and models, which need the app
        # registry to be ready (Django's documented place for connecting signals).
        from enrollment import signals

        from . import receivers

        signals.enrollment_completed.connect(receivers.on_enrollment_completed,
                                             dispatch_uid="certificates.enrollment_completed")
        signals.cohort_finished.connect(receivers.on_cohort_finished, dispatch_uid="certificates.cohort_finished")
        validate = getattr(signals, "cohort_trainers_validate", None)
        if validate is not None:
            validate.connect(receivers.on_cohort_trainers_validate, dispatch_uid="certificates.trainers_validate")
        signals.trainer_candidates_collect.connect(receivers.on_trainer_candidates_collect,
                                                   dispatch_uid="certificates.trainer_candidates")
