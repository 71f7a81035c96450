"""The "My trainings" page: the person's page, rendered once and served from their cache entry while valid."""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from accounts.roles import is_coordinator, is_trainer

from . import cache, prompts, selectors


@login_required
def my_trainings(request):
    def build():
        trainings = selectors.my_trainings(user=request.user)
        found = prompts.prompts_for(request.user)
        html = render_to_string("enrollment/includes/my_trainings_list.html",
                                {"trainings": trainings, "prompts": found}, request=request)
        ends = [moment for moment in (trainings.valid_until, prompts.prompts_until(found)) if moment is not None]
        return html, dataclasses.replace(trainings, valid_until=min(ends, default=None))

    def wrap(list_html: str) -> str:
        return render_to_string("enrollment/my_trainings.html", {
            "trainings_html": mark_safe(list_html),  # noqa: S308 - rendered by build() from a template
            "csrf_token": cache.CSRF_HOLE,
        }, request=request)

    if len(messages.get_messages(request)):  # shown once: this answer is neither served from nor stored
        page = wrap(build()[0])
    else:
        variant = f"{is_trainer(request.user)}:{is_coordinator(request.user)}:{request.get_full_path()}"
        page = cache.get_or_build(request.user, build, wrap=wrap, variant=variant)
    return HttpResponse(page.replace(cache.CSRF_HOLE, get_token(request)))
