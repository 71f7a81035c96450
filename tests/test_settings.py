"""Production settings pass Django's deployment checks and refuse to start without secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env_extra):
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "CREDENTIALS_SIGNING_KEY",
               "CREDENTIALS_SIGNING_KEY_FILE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"DJANGO_SETTINGS_MODULE": "oskus.settings.production", **env_extra})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_reports_no_issue_with_real_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra={
        "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "oskus.ee",
        "DATABASE_URL": "postgres://oskus@db.internal:5432/oskus",
        "CREDENTIALS_SIGNING_KEY": "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env_extra={"ALLOWED_HOSTS": "oskus.ee", "DATABASE_URL": "postgres://x@y/z"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_credential_signing_key():
    result = run_manage("check", env_extra={"SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "oskus.ee",
                                            "DATABASE_URL": "postgres://x@y/z"})
    assert result.returncode != 0
    assert "CREDENTIALS_SIGNING_KEY" in result.stderr
