"""Bench-only URLconf of the minimal application: one view returning "ok" (the same as `/bench/bare/`)."""

from django.http import HttpResponse
from django.urls import path


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok, name="minimal_ok")]
