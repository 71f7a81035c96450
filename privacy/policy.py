"""The retention periods (settings.PRIVACY_RETENTION over these defaults); services/retention.py applies them."""

from django.conf import settings

DEFAULTS = {
    "signup_answers_days": 30,
    "email_log_days": 365,
    "inactive_account_days": 3 * 365,
    "inactive_grace_days": 30,
    "funded_participation_years": 10,
    "export_link_days": 7,
}


def policy(name: str) -> int:
    return int({**DEFAULTS, **getattr(settings, "PRIVACY_RETENTION", {})}[name])
