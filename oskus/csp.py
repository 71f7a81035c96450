"""The Content-Security-Policy (django-csp): one strict policy for the site, the Wagtail admin's allowances
only under its own path. The policy itself is in settings (CONTENT_SECURITY_POLICY, CSP_ADMIN_UPDATE);
docs/operations.md ("Security") says what it allows and why."""

from csp.middleware import CSPMiddleware
from django.conf import settings

from accounts import tara


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; responses under CSP_ADMIN_PREFIX get CSP_ADMIN_UPDATE's sources added.

    A view's own `csp_update` / `csp_replace` decorator still wins over the path's allowance. When the national
    eID log-in (TARA) is on, its origin may be a form's target: the log-in button's POST is answered with a
    redirect there, and browsers hold every redirect of a form submission to form-action.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        if (not report_only and parts.update is None
                and request.path_info.startswith(settings.CSP_ADMIN_PREFIX)):
            parts.update = settings.CSP_ADMIN_UPDATE
        if not report_only and parts.update is None and (origin := tara.provider_origin()):
            parts.update = {"form-action": [origin]}
        return parts
