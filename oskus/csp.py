"""The Content-Security-Policy (django-csp): one strict policy for the site, the Wagtail admin's allowances
only under its own path. The policy itself is in settings (CONTENT_SECURITY_POLICY, CSP_ADMIN_UPDATE);
docs/operations.md ("Security") says what it allows and why."""

from __future__ import annotations

from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from accounts import tara

# Built header values by (report-only, the path's or view's additions): without a nonce or a view's own policy
# the header of a response is one of a handful of strings, and django-csp builds it anew for every response
# (copying the settings' directives, about 0.1 ms: a tenth of a cached logged-in page). Emptied when a CSP
# setting changes, and bounded (a view's own additions are part of the key).
_BUILT: dict[tuple[bool, str], str] = {}
_BUILT_MAX = 64


@receiver(setting_changed)
def _forget_built(setting, **kwargs):
    if "CSP" in setting or setting.startswith("CONTENT_SECURITY_POLICY"):
        _BUILT.clear()


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

    def process_response(self, request, response):
        """django-csp's, with the built header values remembered (see `_BUILT`); a response with a nonce or
        a view's own policy, and a debug error page, take the library's way."""
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        both = [(report_only, self.get_policy_parts(request=request, response=response, report_only=report_only))
                for report_only in (False, True)]
        if any(parts.config is not None or parts.replace is not None for _, parts in both):
            return super().process_response(request, response)
        for report_only, parts in both:
            key = (report_only, repr(parts.update))
            value = _BUILT.get(key)
            if value is None:
                if len(_BUILT) >= _BUILT_MAX:
                    _BUILT.clear()
                value = _BUILT.setdefault(key, build_policy(**asdict(parts), report_only=report_only))
            header, exempt, name = _HEADERS[report_only]
            if not value or header in response or getattr(response, exempt, False) is not False:
                continue
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = value
        # As the library: a nonce asked for after the header is written would not be in it, so asking fails.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


_HEADERS = {False: (HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            True: (HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY")}
