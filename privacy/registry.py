"""Which models hold personal data, and how each kind is exported ("My data") and erased — declared here, in
one list, so that tests/privacy/test_coverage.py can fail when a model that points to a person is not covered.

Each `PersonalData` names the relations it covers as "app_label.Model.field" (a foreign key, one-to-one or
many-to-many to the user model, or a foreign key to `enrollment.Enrollment`), an `export(user) -> list[dict]`
(JSON-ready rows, ids and facts, never secrets) and an `erase(user, erasure)` that erases or anonymises what
the law lets go (see privacy/services/erasure.py for `Erasure`). `files(user)` adds files to the ZIP.

Privacy sits at the top of the layers, so it may read every app; the apps themselves know nothing of it. An
entry whose app is not installed is skipped. A new app adds one entry, for example a questionnaire app with
named answers (`feedback.Answer.user`) and `feedback.personal_data(user)`:

    PersonalData("questionnaire_answers", links=("feedback.Answer.user",),
                 export=by_path("feedback.personal_data"), erase=by_path("feedback.personal_data_erase")),
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import import_string

from . import collectors as c


def by_path(dotted: str) -> Callable:
    """A function of an app that may not be installed, imported when first called."""
    def call(*args, **kwargs):
        return import_string(dotted)(*args, **kwargs)

    call.__qualname__ = dotted
    return call


@dataclass(frozen=True)
class PersonalData:
    name: str
    links: tuple[str, ...]
    export: Callable
    erase: Callable
    files: Callable | None = None
    apps: tuple[str, ...] = field(default=())

    @property
    def installed(self) -> bool:
        labels = set(self.apps) | {link.split(".")[0] for link in self.links}
        return labels <= {config.label for config in apps.get_app_configs()}


REGISTRY: tuple[PersonalData, ...] = (
    PersonalData("account", links=(), apps=("accounts",),
                 export=c.account_export, erase=c.account_erase),
    PersonalData("profile", links=("accounts.Profile.user",), export=c.profile_export, erase=c.profile_erase),
    PersonalData("email_addresses", links=("account.EmailAddress.user", "account.EmailConfirmation.email_address"),
                 export=c.email_addresses_export, erase=c.email_addresses_erase),
    PersonalData("second_factor", links=("mfa.Authenticator.user",), export=c.authenticators_export,
                 erase=c.authenticators_erase),
    PersonalData("social_accounts", links=("socialaccount.SocialAccount.user", "socialaccount.SocialToken.account"),
                 export=c.social_export,
                 erase=c.social_erase),
    PersonalData("enrollments", links=("enrollment.Enrollment.user", "enrollment.Enrollment.moved_from",
                                       "enrollment.EnrollmentEvent.enrollment"),
                 export=c.enrollments_export, erase=c.enrollments_erase),
    PersonalData("attendance", links=("enrollment.Attendance.enrollment", "enrollment.AttendanceEvent.attendance"),
                 export=c.attendance_export,
                 erase=c.attendance_erase),
    PersonalData("hours", links=("enrollment.CompletionResult.enrollment",), export=c.hours_export,
                 erase=c.keep_anonymous),
    PersonalData("certificates", links=("certificates.Certificate.user", "certificates.Certificate.enrollment",
                                         "certificates.CertificateRevision.certificate",
                                         # a status-list index: no personal data, kept for verifiers
                                         "certificates.CredentialStatusEntry.certificate"),
                 export=c.certificates_export, erase=c.certificates_erase, files=c.certificate_files),
    PersonalData("trainer_qualifications", links=("certificates.TrainerQualification.user",
                                                  "certificates.TrainerQualification.source_trainers",
                                                  "certificates.TrainerQualification.certificate",
                                                  "certificates.QualificationEvent.qualification",
                                                  "enrollment.Cohort.trainers"),
                 export=c.trainer_export, erase=c.trainer_erase),
    PersonalData("feedback", links=("feedback.Invitation.user", "feedback.NamedResponse.user"),
                 export=lambda user: [*by_path("feedback.invitations_data")(user),
                                      *({"named_answer": row} for row in by_path("feedback.personal_data")(user))],
                 erase=by_path("feedback.personal_data_erase")),
    PersonalData("emails_sent", links=("outbox.Message.recipient",), export=c.messages_export,
                 erase=c.messages_erase),
    PersonalData("calendar_feed", links=(), apps=("enrollment",), export=c.calendar_export, erase=c.calendar_erase),
    PersonalData("sessions", links=(), apps=("sessions",), export=c.sessions_export, erase=c.sessions_erase),
    PersonalData("admin_profile", links=("wagtailusers.UserProfile.user", "wagtailadmin.EditingSession.user",
                                         "wagtailadmin.FormState.user", "wagtailcore.APIToken.user",
                                         "wagtailcore.PageSubscription.user"),
                 export=c.admin_profile_export, erase=c.admin_profile_erase),
    # Work done as staff: kept, pointing to the anonymised account (no name left); texts naming the person
    # are scrubbed (collectors.staff_work_erase).
    PersonalData("work_as_staff", links=c.STAFF_WORK_LINKS, export=c.staff_work_export, erase=c.staff_work_erase,
                 apps=("enrollment", "certificates", "wagtailcore")),
    # Downloads of report tables a coordinator asked for (reports/downloads.py); erasing anyone also deletes the
    # files of tables that list people by name.
    PersonalData("report_downloads", links=("reports.ReportExport.requested_by",),
                 export=by_path("reports.downloads.personal_data"),
                 erase=by_path("reports.downloads.personal_data_erase")),
    PersonalData("privacy_requests", links=("privacy.DataExport.user", "privacy.DataExport.requested_by",
                                            "privacy.ErasureRequest.user", "privacy.RetainedIdentity.user",
                                            "privacy.InactivityWarning.user"),
                 export=c.privacy_export, erase=c.privacy_erase),
)


def installed() -> list[PersonalData]:
    return [entry for entry in REGISTRY if entry.installed]


def covered_links() -> set[str]:
    return {link for entry in installed() for link in entry.links}
