"""The Wagtail admin's own log-in page is not a second door: it leads to allauth's throttled log-in."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login_redirect(request):
    """Any method: send to allauth's log-in (its rate limits, its second-factor stage), keeping a local `next`.

    Nothing is authenticated here, so guesses posted to /admin/login/ never reach a password check. A person
    who is logged in but may not use the admin (Wagtail sends them here) gets 403, not a redirect loop through
    allauth's log-in page, which sends logged-in people back to `next`.
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("wagtailadmin_home")
    return redirect_to_login(next_url, login_url=reverse("account_login"))
