"""Thin views: check who may see what, call one selector or service, render."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_trainer

from . import rendering, selectors, services
from .badges import enveloped_credential_for, signed_credential_for, status_document
from .credentials import documents, jose
from .exceptions import CertificateError
from .forms import VerifyForm
from .models import StatusList
from .ratelimit import limit_exceeded


def _too_many(request):
    response = render(request, "certificates/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def verify(request):
    """The public verification form; a valid code leads to its page."""
    form = VerifyForm(request.GET or None)
    if request.GET:
        if limit_exceeded(request):
            return _too_many(request)
        if form.is_valid():
            return redirect("certificate_verify_detail", code=form.cleaned_data["code"])
    return render(request, "certificates/verify.html", {"form": form})


@never_cache
def verify_detail(request, code):
    """Anyone may check a code: valid / revoked / expired and the facts on the certificate, nothing more."""
    if limit_exceeded(request):
        return _too_many(request)
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(request, "certificates/verify_not_found.html", {"form": VerifyForm()}, status=404)
    return render(request, "certificates/verify_detail.html", {"certificate": certificate})


@never_cache
def status(request, code):
    """The Open Badges credentialStatus endpoint: the certificate's status as JSON."""
    if limit_exceeded(request):
        return JsonResponse({"error": "rate limited"}, status=429)
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(status_document(certificate))


@login_required
def my_certificates(request):
    return render(request, "certificates/my_certificates.html", {
        "certificates": selectors.certificates_for_user(user=request.user)})


def _downloadable(request, number):
    certificate = selectors.certificate_for_download(user=request.user, number=number)
    if certificate is None:
        # Someone else's certificate looks exactly like one that does not exist.
        raise Http404
    return certificate


def _private_file_response(field_file, *, filename: str, content_type: str):
    """A file from the private storage, after the caller checked the permission.

    By default Django streams it; with PRIVATE_MEDIA_SERVE the web server does, from an internal location the
    outside world cannot reach: nginx by X-Accel-Redirect (PRIVATE_MEDIA_ACCEL_PREFIX + the stored name),
    Apache mod_xsendfile by X-Sendfile (the absolute path).
    """
    mode = settings.PRIVATE_MEDIA_SERVE
    if not mode:
        return FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + field_file.name
    elif mode == "x-sendfile":
        response["X-Sendfile"] = field_file.path
    else:
        raise ImproperlyConfigured(f"Unknown PRIVATE_MEDIA_SERVE {mode!r}.")
    return response


@login_required
def download_pdf(request, number):
    certificate = rendering.certificate_pdf_ensure(certificate=_downloadable(request, number))
    return _private_file_response(certificate.pdf, filename=f"{certificate.number}.pdf",
                                  content_type="application/pdf")


@login_required
def download_badge(request, number):
    """The signed Open Badges credential as JSON: a VC 2.0 EnvelopedVerifiableCredential around the JWS."""
    certificate = _downloadable(request, number)
    body = json.dumps(enveloped_credential_for(certificate), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.json"'
    return response


@login_required
def download_badge_jwt(request, number):
    """The signed Open Badges credential as it is: a VC-JOSE compact JWS (application/vc+jwt)."""
    certificate = _downloadable(request, number)
    response = HttpResponse(signed_credential_for(certificate), content_type=jose.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.jwt"'
    return response


# --- the issuer's public documents (language-independent URLs, certificates/credentials/urls.py) -------------

@require_GET
@cache_control(public=True, max_age=3600)
def did_document(request):
    """did:web's DID document: the keys that sign the credentials."""
    return JsonResponse(documents.did_document())


@require_GET
@cache_control(public=True, max_age=3600)
def jwks(request):
    return JsonResponse(documents.jwks(), content_type="application/jwk-set+json")


@require_GET
@cache_control(public=True, max_age=int(documents.STATUS_LIST_TTL.total_seconds()))
def status_list(request, number):
    """A BitstringStatusListCredential, signed (application/vc+jwt): which certificates are revoked."""
    listed = get_object_or_404(StatusList, number=number)
    return HttpResponse(documents.signed_status_list_credential(listed), content_type=jose.MEDIA_TYPE)


@login_required
@require_POST
def reissue(request, number):
    """The holder asks for a new version after changing their name in the profile."""
    certificate = selectors.certificate_for_download(user=request.user, number=number)
    if certificate is None or certificate.user_id != request.user.pk:
        raise Http404
    try:
        services.certificate_reissue(certificate=certificate, actor=request.user)
    except CertificateError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The certificate was re-issued with your current name."))
    return redirect("my_certificates")


@login_required
def my_lineage(request):
    """A trainer's own page: qualifications, the trainers they trained and those trainers' participants."""
    impact = selectors.trainer_impact(user=request.user)
    if not impact.qualifications and not is_trainer(request.user):
        raise Http404
    return render(request, "certificates/my_lineage.html", {"impact": impact})
