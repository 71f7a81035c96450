"""URL map: language-independent endpoints first, then the translated site (Estonian at /, English at /en/,
Russian at /ru/)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import tara, tara_urls
from courses.sitemap import TranslatedSitemap
from outbox.views import health

from .api import api_router
from .security.views import admin_login_redirect
from .views import healthz, language_switch

urlpatterns = [
    # One log-in for everybody: the admin's own form would bypass allauth's rate limits and second factor.
    path("admin/login/", admin_login_redirect, name="admin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": TranslatedSitemap}}, name="sitemap"),
    path("api/v2/", api_router.urls),
    path("healthz", healthz, name="healthz"),
    path("health/", health, name="health"),
    path("", include(tara_urls.callback_urlpatterns)),
    path("", include("certificates.credentials.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/profile/", include("accounts.urls")),
    path("", include("enrollment.urls")),
    path("", include("enrollment.attendance.urls")),
    path("", include("enrollment.calendar.urls")),
    path("", include("certificates.urls")),
    # allauth's generic OpenID Connect URLs stay closed: TARA has its own (accounts/tara_urls.py).
    path("", include(tara_urls.login_urlpatterns)),
    re_path(r"^accounts/oidc/", tara.not_found),
    path("", include("feedback.urls")),
    path("", include("privacy.urls")),
    path("accounts/", include("allauth.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it matches every remaining path.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
