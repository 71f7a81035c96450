"""A specialist's own profile. There is no way to edit someone else's here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import tara
from .forms import ProfileForm
from .models import Profile
from .profile_links import profile_links


@login_required
def profile_redirect(request):
    return redirect("profile_edit")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, user_id: int | None = None):
    """Edit the logged-in user's profile. A URL naming another user answers 404 (no disclosure)."""
    if user_id is not None and user_id != request.user.pk:
        raise Http404
    profile, _created = Profile.objects.select_related("municipality__county").get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile has been saved."))
            return redirect("profile_edit")
        messages.error(request, _("Please correct the errors below."))
    tara_enabled = tara.is_enabled()
    return render(request, "accounts/profile_edit.html", {
        "form": form, "profile": profile, "profile_links": profile_links(), "tara_enabled": tara_enabled,
        "tara_linked": tara_enabled and tara.has_national_identity(request.user)})
