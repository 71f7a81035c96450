"""What a gunicorn worker does when it starts, before its first request."""

import os
import subprocess
import sys

from django.conf import settings


def test_a_worker_loads_its_urls_and_catalogues_at_start_not_on_its_first_request():
    """gunicorn imports oskus.wsgi in each worker before it accepts a request: the URLconf (every app's views and
    the Wagtail admin's URLs), reverse()'s tables in every language and the translation catalogues load then, not
    while the first requests of a burst wait (bench/README.md)."""
    probe = ("import sys\nimport oskus.wsgi\nfrom django.urls import get_resolver\n"
             "from django.utils import translation\n"
             "print('oskus.urls' in sys.modules, sorted(get_resolver()._reverse_dict),"
             " sorted(translation.trans_real._translations))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "oskus.settings.test"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True,
                         cwd=settings.BASE_DIR).stdout.strip()
    languages = repr(sorted(code for code, _name in settings.LANGUAGES))
    assert out == f"True {languages} {languages}"
