"""The issuer's public documents, at language-independent URLs (included before the translated site)."""

from django.urls import path

from .. import views

urlpatterns = [
    path(".well-known/did.json", views.did_document, name="issuer_did_document"),
    path(".well-known/jwks.json", views.jwks, name="issuer_jwks"),
    path("credentials/status/<int:number>", views.status_list, name="credential_status_list"),
]
