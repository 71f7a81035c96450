"""The site's CSP middleware remembers the header values it builds (oskus/csp.py): every response still gets
exactly the header django-csp's own middleware gives it, whatever the path, the view's decorators, a nonce,
the log-in provider or a changed setting."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from oskus.csp import SiteCSPMiddleware

TARA_APP = {"provider_id": "tara", "name": "TARA", "client_id": "x", "secret": "y",
            "settings": {"server_url": "https://tara.example.ee/oidc"}}


def _view(request):
    return HttpResponse("ok")


def _nonce_view(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


VIEWS = {
    "plain": _view,
    "nonce": _nonce_view,
    "update": csp_update({"img-src": ["https://maps.example.ee"]})(_view),
    "replace": csp_replace({"frame-src": ["https://video.example.ee"]})(_view),
    "exempt": csp_exempt()(_view),
}


def headers(middleware_class, view, path):
    request = RequestFactory().get(path)
    middleware = middleware_class(lambda r: VIEWS[view](r))
    middleware.process_request(request)
    response = middleware.process_response(request, VIEWS[view](request))
    return response.headers.get(HEADER), response.headers.get(HEADER_REPORT_ONLY), request


class LibraryWithSiteParts(SiteCSPMiddleware):
    """The library's process_response over the site's policy parts: what the site's middleware must equal."""

    process_response = CSPMiddleware.process_response


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("path", ["/et/koolitused/", "/admin/pages/"])
def test_each_response_gets_the_librarys_header(view, path):
    for _ in range(2):  # the second time from what was remembered
        ours, theirs = headers(SiteCSPMiddleware, view, path), headers(LibraryWithSiteParts, view, path)
        assert ours[:2] == theirs[:2]
    if view == "exempt":
        assert ours[0] is None
    else:
        assert "default-src 'self'" in ours[0]
    if view == "nonce":  # the view asked for a nonce (the site's policy places none: the library's way decides)
        assert isinstance(ours[2]._csp_nonce, str)


def test_a_changed_policy_setting_is_served_at_once(settings):
    before = headers(SiteCSPMiddleware, "plain", "/")[0]
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "img-src": ["'self'", "https://cdn.example.ee"]}
    settings.CONTENT_SECURITY_POLICY = policy
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    ours = headers(SiteCSPMiddleware, "plain", "/")
    assert ours[0] != before and "https://cdn.example.ee" in ours[0]
    assert ours[:2] == headers(LibraryWithSiteParts, "plain", "/")[:2]
    assert "default-src 'none'" in ours[1]


def test_the_log_in_providers_origin_is_a_form_target_when_it_is_configured(settings):
    assert "tara.example.ee" not in headers(SiteCSPMiddleware, "plain", "/")[0]
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, "openid_connect": {"APPS": [TARA_APP]}}
    ours = headers(SiteCSPMiddleware, "plain", "/")
    assert "form-action 'self' https://tara.example.ee" in ours[0]
    assert ours[:2] == headers(LibraryWithSiteParts, "plain", "/")[:2]


def test_a_nonce_asked_for_after_the_header_is_written_fails_as_with_the_library():
    request = headers(SiteCSPMiddleware, "plain", "/")[2]
    with pytest.raises(CSPNonceError, match="after the CSP header has been written"):
        str(request.csp_nonce)


def test_views_with_many_own_additions_keep_the_remembered_values_bounded():
    from oskus import csp as site_csp

    for number in range(site_csp._BUILT_MAX * 2):
        source = f"https://map{number}.example.ee"
        VIEWS["many"] = csp_update({"img-src": [source]})(_view)
        try:
            ours = headers(SiteCSPMiddleware, "many", "/")
        finally:
            del VIEWS["many"]
        assert source in ours[0]
        assert len(site_csp._BUILT) <= site_csp._BUILT_MAX
