"""The "My trainings" page: the person's list, rendered once and served from their cache entry while valid."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

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

    return render(request, "enrollment/my_trainings.html", {"trainings_html": cache.get_or_build(request.user, build)})
