from django.urls import path

from . import views

urlpatterns = [
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("privacy/my-data/", views.my_data, name="privacy_my_data"),
    path("privacy/my-data/<int:export_id>/status.json", views.my_data_status, name="privacy_my_data_status"),
    path("privacy/my-data/<int:export_id>/download/", views.my_data_download, name="privacy_my_data_download"),
    path("privacy/delete-account/", views.erasure_request, name="privacy_erasure"),
]
