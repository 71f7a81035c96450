"""Request-wide protections; the rules themselves are in accounts.security."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import security

# Views a staff member without a second factor may still open: allauth's own (log-in, log-out, setting up
# the factor, re-authentication), the language switch and the health check.
MFA_EXEMPT_MODULE_PREFIXES = ("allauth.",)
MFA_EXEMPT_URL_NAMES = {"set_language", "healthz"}
ADMIN_PREFIX = "/admin/"
# Requests an open page sends by itself (Wagtail's editing-session pings): they do not keep a session alive.
BACKGROUND_PREFIXES = ("/admin/editing-sessions/",)


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with `request.user` the user itself instead of a lazy proxy of it (`request.auser` as Django's).

    StaffSessionMiddleware reads the user on every request that reaches it, so loading it here costs no query;
    through the proxy every attribute read of the user cost a lookup of its own, about forty on an enroll POST
    (4 % of its CPU, bench/README.md)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = auth_middleware.get_user(request)


class StaffSessionMiddleware:
    """Staff sessions end after the maximum age or idle time; staff need a second factor for every page.

    Place after AuthenticationMiddleware, MessageMiddleware and allauth's AccountMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        activity = not request.path.startswith(BACKGROUND_PREFIXES)
        if user.is_authenticated and security.staff_session_expired(session=request.session, user=user,
                                                                    activity=activity):
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
            return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))
        response = self.get_response(request)
        user = request.user  # the view may have logged someone in or out
        if user.is_authenticated:
            security.cap_staff_session_expiry(session=request.session, user=user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and security.staff_mfa_required()):
            return None
        if not (security.is_staff_account(user) or (request.path.startswith(ADMIN_PREFIX)
                                                     and user.has_perm("wagtailadmin.access_admin"))):
            return None
        match = request.resolver_match
        if (view_func.__module__ or "").startswith(MFA_EXEMPT_MODULE_PREFIXES) or (
                match is not None and match.url_name in MFA_EXEMPT_URL_NAMES):
            return None
        if not security.has_second_factor(user):
            messages.warning(request, _("Your role gives access to everyone's data: please set up two-factor "
                                        "authentication (an authenticator app or a security key) to continue."))
            return redirect("mfa_index")
        if not security.session_has_second_factor(session=request.session, user=user):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return None


class PrivateCacheMiddleware:
    """Every response to a logged-in person is `Cache-Control: private, no-store`: their pages and files
    (trainings, hours, certificates, rosters, exports, sign-in sheets, profile) never rest in a shared or
    browser cache. Anonymous responses keep their own caching (the public page cache, verify pages).

    One place for all views, so a new personal page cannot forget it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            mark_private(response)
        return response


def mark_private(response) -> None:
    """Make the response private and not stored, dropping any directive that would let a cache keep it."""
    directives = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    kept = [d for d in directives if d.split("=")[0].lower() not in {"public", "max-age", "s-maxage", "private",
                                                                      "no-store", "immutable"}]
    response["Cache-Control"] = ", ".join(["private", "no-store", *kept])
    if response.has_header("Expires"):
        del response["Expires"]
