"""Refusals of the feedback services: each carries a translated message the page shows as it is."""

from django.utils.translation import gettext_lazy as _


class FeedbackRefused(Exception):
    status = 400
    default_message = _("This questionnaire cannot be answered.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class LinkInvalid(FeedbackRefused):
    status = 404
    default_message = _("This link is not valid. Please use the link in your latest e-mail, or open the "
                        "questionnaire from My trainings.")


class LinkExpired(FeedbackRefused):
    status = 410
    default_message = _("This link has expired. Please open the questionnaire from My trainings, or use the "
                        "link in your latest e-mail.")


class SurveyClosed(FeedbackRefused):
    status = 410
    default_message = _("This questionnaire has closed: answers are no longer accepted.")


class AlreadyAnswered(FeedbackRefused):
    status = 409
    default_message = _("You have already answered this questionnaire. Thank you!")


class ResultsHidden(FeedbackRefused):
    status = 403
    default_message = _("You can see the results of your own cohorts once the cohort has closed.")
