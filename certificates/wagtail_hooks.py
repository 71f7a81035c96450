"""The "Certificates" menu of the Wagtail admin (certificates, trainer register, trainer lineage)."""

from wagtail import hooks

from .admin_views import CertificatesViewSetGroup


@hooks.register("register_admin_viewset")
def register_certificates_viewsets():
    return CertificatesViewSetGroup()
