from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    managed_by_coordinators = True  # accounts.roles gives coordinators every permission of this app
    verbose_name = _("Feedback")

    def ready(self):
        # The prompt in "My trainings" and the links on the trainer's "My cohorts" come through enrollment's
        # hooks; enrollment never names this app.
        from enrollment.attendance import trainer_links
        from enrollment.my_trainings import prompts

        from .selectors import my_trainings_prompts
        from .selectors import trainer_links as feedback_trainer_links

        prompts.register(my_trainings_prompts)
        trainer_links.register(feedback_trainer_links)
        from .signals import connect_my_trainings_cache

        connect_my_trainings_cache()
