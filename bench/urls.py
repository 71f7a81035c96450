"""The project's URLs plus /bench/bare/: the fastest page Django itself can serve, the benchmark's yardstick."""

from django.http import HttpResponse
from django.urls import path

from oskus.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *project_urlpatterns]
