"""Production refuses a private storage inside MEDIA_ROOT (which the proxy serves) and an unknown serving mode."""

import secrets

from tests.test_settings import run_manage

REAL = {"SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "oskus.ee",
        "DATABASE_URL": "postgres://oskus@db.internal:5432/oskus",
        "CREDENTIALS_SIGNING_KEY": "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk"}


def test_production_refuses_private_files_inside_media_root(tmp_path):
    result = run_manage("check", env_extra={**REAL, "MEDIA_ROOT": str(tmp_path / "media"),
                                            "PRIVATE_MEDIA_ROOT": str(tmp_path / "media" / "private")})
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT" in result.stderr


def test_production_refuses_an_unknown_serving_mode(tmp_path):
    result = run_manage("check", env_extra={**REAL, "PRIVATE_MEDIA_SERVE": "x-accel"})
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_SERVE" in result.stderr


def test_production_accepts_separate_folders(tmp_path):
    result = run_manage("check", env_extra={**REAL, "MEDIA_ROOT": str(tmp_path / "media"),
                                            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
                                            "PRIVATE_MEDIA_SERVE": "x-accel-redirect"})
    assert result.returncode == 0, result.stderr
