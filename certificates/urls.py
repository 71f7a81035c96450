"""Public verification, a specialist's certificates and downloads, a trainer's own lineage page."""

from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify, name="certificate_verify"),
    path("verify/<str:code>/", views.verify_detail, name="certificate_verify_detail"),
    path("verify/<str:code>/status.json", views.status, name="certificate_status"),
    path("my-certificates/", views.my_certificates, name="my_certificates"),
    path("my-certificates/<str:number>.pdf", views.download_pdf, name="certificate_pdf"),
    path("my-certificates/<str:number>.json", views.download_badge, name="certificate_badge"),
    path("my-certificates/<str:number>.jwt", views.download_badge_jwt, name="certificate_badge_jwt"),
    path("my-certificates/<str:number>/reissue/", views.reissue, name="certificate_reissue"),
    path("trainer/lineage/", views.my_lineage, name="trainer_lineage"),
]
