"""The "My trainings" page: the person's list, rendered once and served from their cache entry while valid."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from . import cache, prompts, selectors


@login_required
def my_trainings(request):
    def build():
        trainings = selectors.my_trainings(user=request.user)
        html = render_to_string("enrollment/includes/my_trainings_list.html", {"trainings": trainings},
                                request=request)
        return html, trainings

    return render(request, "enrollment/my_trainings.html", {"trainings_html": cache.get_or_build(request.user, build),
                                                            "prompts": prompts.prompts_for(request.user)})
