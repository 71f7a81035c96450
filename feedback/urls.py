from django.urls import path

from . import views

urlpatterns = [
    path("feedback/thanks/", views.thanks, name="feedback_thanks"),
    path("feedback/<str:token>/", views.answer, name="feedback_answer"),
    path("trainer/feedback/", views.trainer_index, name="feedback_trainer_index"),
    path("trainer/feedback/<int:survey_id>/", views.trainer_results, name="feedback_trainer_results"),
]
