"""TARA's two URLs. The log-in starts under the language prefix (the pages after TARA keep that language); the
callback has none: it is the one redirect URL registered with TARA."""

from django.urls import path

from . import tara

login_urlpatterns = [path("accounts/tara/login/", tara.login, name="tara_login")]
callback_urlpatterns = [path("accounts/tara/callback/", tara.callback, name="tara_callback")]
