"""Finding 6: the file e-mail backend can be configured from the environment (EMAIL_FILE_PATH)."""

import os
import subprocess
import sys

from .support import ROOT


def test_email_file_path_comes_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "oskus.settings.dev", "EMAIL_FILE_PATH": str(tmp_path),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"})
    code = ("import django; django.setup()\n"
            "from django.core.mail import send_mail\n"
            "send_mail('Subject', 'Body', None, ['someone@example.ee'])\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    [written] = list(tmp_path.iterdir())
    assert "someone@example.ee" in written.read_text()
