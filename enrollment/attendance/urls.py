from django.urls import path

from . import views

urlpatterns = [
    path("trainer/", views.trainer_dashboard, name="trainer_dashboard"),
    path("trainer/sessions/<int:session_id>/", views.attendance_roster, name="attendance_roster"),
    path("trainer/sessions/<int:session_id>/check-in/", views.attendance_checkin_display,
         name="attendance_checkin_display"),
    path("trainer/sessions/<int:session_id>/check-in.json", views.attendance_checkin_feed,
         name="attendance_checkin_feed"),
    path("trainer/sessions/<int:session_id>/sign-in-sheet.pdf", views.attendance_signin_sheet,
         name="attendance_signin_sheet"),
    path("trainer/cohorts/<int:cohort_id>/attendance.<str:fmt>", views.attendance_export, name="attendance_export"),
    path("trainer/cohorts/<int:cohort_id>/close/", views.attendance_cohort_close, name="attendance_cohort_close"),
    path("check-in/", views.attendance_checkin, name="attendance_checkin"),
    path("my-hours/", views.attendance_progress, name="attendance_progress"),
]
