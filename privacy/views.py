"""A person's own pages (My data, delete my account) and the privacy notice: thin views over services/."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from certificates.views import _private_file_response

from .forms import ErasureConfirmForm
from .notice import PrivacyNotice
from .services import erasure, exports


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request):
    """The person's downloads and their state; POST asks for a new one (built in the background)."""
    if request.method == "POST":
        exports.export_request(user=request.user)
        messages.success(request, _("Your data is being collected. We will e-mail you when it is ready."))
        return redirect("privacy_my_data")
    return render(request, "privacy/my_data.html", {"exports": exports.exports_for_user(request.user)})


@login_required
@never_cache
def my_data_status(request, export_id: int):
    """The progress indicator's source (privacy/static/privacy/progress.js polls it)."""
    export = exports.DataExport.objects.filter(pk=export_id, user=request.user).first()
    if export is None:
        raise Http404
    return JsonResponse({"state": export.state, "label": export.get_state_display(), "progress": export.progress})


@login_required
@never_cache
def my_data_download(request, export_id: int):
    """The ZIP, to its owner only, until the link expires; anyone else's looks like a missing one."""
    export = exports.export_for_download(user=request.user, export_id=export_id)
    if export is None:
        raise Http404
    return _private_file_response(export.file, filename=f"oskus-my-data-{export.pk}.zip",
                                  content_type="application/zip")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def erasure_request(request):
    """What deleting the account means for this person; confirmed with the password."""
    form = ErasureConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erasure.account_erase(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("/")
    return render(request, "privacy/erasure.html", {"form": form, **erasure.explain(request.user)})


def privacy_notice(request):
    return render(request, "privacy/notice.html", {"notice": PrivacyNotice.current()})
