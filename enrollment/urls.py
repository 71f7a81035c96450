"""Specialist pages of enrollment (inside i18n_patterns: Estonian at /, English at /en/)."""

from django.urls import path

from . import views
from .my_trainings import views as my_trainings_views

urlpatterns = [
    path("enroll/<int:cohort_id>/", views.enroll, name="enroll"),
    path("my-trainings/", my_trainings_views.my_trainings, name="my_trainings"),
    path("my-trainings/<int:pk>/cancel/", views.cancel, name="enrollment_cancel"),
    path("my-trainings/<int:pk>/<str:action>/", views.offer_respond, name="enrollment_offer_respond"),
    path("offer/<str:token>/", views.offer_link, name="enrollment_offer_link"),
]
