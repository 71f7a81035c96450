"""Local development and the demo: SQLite by default, debug on, e-mails to the console."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("DEBUG", "1").lower() in {"1", "true", "yes", "on"}
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"

# The demo lets coordinators in without an authenticator app; production requires one (STAFF_MFA_REQUIRED=1 here
# to try the flow).
OSKUS_STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", False)  # noqa: F405
