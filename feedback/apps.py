from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    managed_by_coordinators = True  # accounts.roles gives coordinators every permission of this app
    verbose_name = _("Feedback")

    def ready(self):
        # The prompt in "My trainings" comes through enrollment's hook; enrollment never names this app.
        from enrollment.my_trainings import prompts

        from .selectors import my_trainings_prompts

        prompts.register(my_trainings_prompts)
