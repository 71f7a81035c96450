"""Settings shared by every environment; values come from the environment (12-factor)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps first so their templates override third-party ones; higher layers before lower ones,
    # so that a higher app can fill a template slot a lower one leaves (courses/includes/cohorts_slot.html).
    "oskus",
    "privacy",
    "reports",
    "certificates",
    "feedback",
    "enrollment",
    "courses",
    "accounts",
    "outbox",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    # Whole-page translations (courses/translation.py): wagtail-localize and its locale admin.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.wagtail_users.OskusUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # National eID log-in (TARA) through allauth's OpenID Connect provider: configured below from the
    # environment, off when unset (accounts/tara.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Background work
    "django_tasks",
    "django_tasks_db",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Anonymous hits of the catalogue, course and programme pages are answered here (or, under gunicorn, by the
    # WSGI front before Django), before the middleware below that such a hit does not need; a stored page keeps
    # the headers they set (security, CSP, language). Plain HTTP that must be redirected and static files are
    # passed on (courses/caching.py).
    "courses.caching.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (oskus/csp.py).
    "oskus.csp.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user loaded at once (oskus/security/middleware.py).
    "oskus.security.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff sessions: maximum age, idle limit and the second factor (oskus/security, accounts/security.py).
    "oskus.security.middleware.StaffSessionMiddleware",
    # `Cache-Control: private, no-store` on every response to a logged-in person.
    "oskus.security.middleware.PrivateCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Token-addressed and public calendar files are served by a handler with only these (oskus/lean.py): they
# need no session, CSRF, authentication, messages or staff checks; the language comes from the URL prefix.
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "oskus.csp.SiteCSPMiddleware",
    "django.middleware.locale.LocaleMiddleware",
]
LEAN_PATHS = [r"/calendar/(?:cohort/|session/)?[^/]+\.ics$"]

ROOT_URLCONF = "oskus.urls"
WSGI_APPLICATION = "oskus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.roles",
                "privacy.context_processors.privacy_notice",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that polls the socket before it sends SELECT 1 (oskus/postgresql).
    DATABASES["default"]["ENGINE"] = "oskus.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded demo database: wait for locks instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "oskus.redis_cache.RedisCache",  # Django's, one client per pool (oskus/redis_cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "oskus",
        }
    }
    # Sessions read from the shared cache, written through to the database: one query less per request.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "oskus",
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the role groups with the user (accounts/backends.py).
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
    # Sessions that began under the plain backends stay valid (they never authenticate first: same rules).
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: e-mail is the log-in, no usernames anywhere.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.client_ip_adapter.ClientIPAccountAdapter"
# Reverse proxies in front of the site (addresses or CIDR networks, comma-separated). Only connections from
# them may name the client in X-Forwarded-For; rate limits key on that address (accounts/client_ip.py).
OSKUS_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Changing e-mail or password (and the second factor) asks for the password again if it is older than this.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Specialists choose "remember me" (SESSION_COOKIE_AGE, two weeks); staff sessions are capped below.
ACCOUNT_SESSION_REMEMBER = None

# Second factor (allauth.mfa): TOTP apps and security keys / platform authenticators (WebAuthn), with
# recovery codes. Required for staff (coordinators, administrators) before any page opens; specialists may
# turn it on from their profile. WebAuthn needs HTTPS (or http://localhost); its relying-party id is the
# request's host name, so a key registered on one host name does not work on another.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Oskus"
OSKUS_STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
OSKUS_STAFF_SESSION_MAX_SECONDS = int(os.environ.get("STAFF_SESSION_MAX_SECONDS", str(12 * 3600)))
OSKUS_STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(30 * 60)))
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Oskus] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")

LANGUAGE_CODE = "et"
LANGUAGES = [("et", _("Estonian")), ("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Tallinn"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
# Files from npm (package.json; `make run` and `make test` run `npm install`), one by one (oskus/static_finders.py):
# Chart.js for the reports' charts, and the source map its minified build names.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "oskus.static_finders.NpmFileFinder",
]
STATICFILES_NPM_FILES = {
    "vendor/chart.js/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "vendor/chart.js/chart.umd.min.js.map": "chart.js/dist/chart.umd.min.js.map",
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Generated files with personal data (certificate PDFs) live in their own storage, OUTSIDE MEDIA_ROOT, under
# random names; they are served only by the views that check the permission (certificates/views.py). The
# proxy must never serve PRIVATE_MEDIA_ROOT directly; with PRIVATE_MEDIA_SERVE it may serve it as an internal
# location after the view said yes: "x-accel-redirect" (nginx, an `internal` location at
# PRIVATE_MEDIA_ACCEL_PREFIX aliased to PRIVATE_MEDIA_ROOT) or "x-sendfile" (Apache mod_xsendfile).
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
PRIVATE_MEDIA_SERVE = os.environ.get("PRIVATE_MEDIA_SERVE", "")  # "", "x-accel-redirect" or "x-sendfile"
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private-media/")

# The Ed25519 key that signs certificates' Open Badges credentials and status lists (certificates/credentials):
# the 32-byte private key, base64url, in CREDENTIALS_SIGNING_KEY or in the file CREDENTIALS_SIGNING_KEY_FILE.
# Without either, development generates one into PRIVATE_MEDIA_ROOT (CREDENTIALS_SIGNING_KEY_GENERATE);
# production refuses to start. Public keys (base64url) of retired keys stay published so that credentials
# they signed still verify: CREDENTIALS_RETIRED_PUBLIC_KEYS, comma-separated.
CREDENTIALS_SIGNING_KEY = os.environ.get("CREDENTIALS_SIGNING_KEY", "")
CREDENTIALS_SIGNING_KEY_FILE = os.environ.get("CREDENTIALS_SIGNING_KEY_FILE", "")
CREDENTIALS_SIGNING_KEY_GENERATE = env_bool("CREDENTIALS_SIGNING_KEY_GENERATE", True)
CREDENTIALS_RETIRED_PUBLIC_KEYS = env_list("CREDENTIALS_RETIRED_PUBLIC_KEYS")


def private_storage_settings(location) -> dict:
    """STORAGES["private"]: the file system, readable by the owner and its group only (the group lets nginx
    read a file it is told to send by X-Accel-Redirect). Nothing links to its files' url(): the download views
are the only way to them."""
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "file_permissions_mode": 0o640,
                    "directory_permissions_mode": 0o750},
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_settings(PRIVATE_MEDIA_ROOT),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy (django-csp 4): everything from the site itself, no inline script or style, images
# also as data: URIs (QR codes), never framed. docs/operations.md ("Security") explains each allowance.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The Wagtail admin (8.0) still needs inline scripts (page listings, users, reports, the page editor) and inline
# styles (its editor's React widgets inject <style> elements), and shows image previews as blob: URLs: only its
# pages get these allowances (tests/browser/test_csp.py finds them). No 'unsafe-eval', no other origin.
CSP_ADMIN_PREFIX = "/admin/"
CSP_ADMIN_UPDATE = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "img-src": ["blob:"]}
# The admin would otherwise fetch releases.wagtail.org (superusers' dashboard) and load avatars from gravatar.com
# (other origins, and a leak of staff e-mail hashes): both off, so connect-src and img-src stay 'self'.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Oskus <noreply@oskus.ee>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # a hung SMTP server must not hold a worker forever
if os.environ.get("EMAIL_FILE_PATH"):  # for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# Background work: django-tasks with the database backend; `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "outbox.backend.DatabaseBackend")}}

# Anonymous page cache of the catalogue, course and programme pages (courses/caching.py).
OSKUS_PAGE_CACHE = env_bool("PAGE_CACHE", True)
OSKUS_PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Per-person cache of the "My trainings" list (enrollment/my_trainings/cache.py): needs a shared cache.
OSKUS_MY_TRAININGS_CACHE = env_bool("MY_TRAININGS_CACHE", bool(REDIS_URL))

WAGTAIL_SITE_NAME = "Oskus"
# The admin has no log-in, password or e-mail forms of its own: allauth's (rate limits, second factor,
# re-authentication, verified e-mail changes) are the only ones.
WAGTAILADMIN_LOGIN_URL = "admin_login_redirect"  # /admin/login/ (oskus/security/views.py) -> allauth's log-in
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
SITE_URL = WAGTAILADMIN_BASE_URL
# Content is written in Estonian (the default locale) and translated page by page with wagtail-localize into the
# other LANGUAGES; a page without a live translation is shown in Estonian with a note (courses/translation.py).
WAGTAIL_I18N_ENABLED = True
# A new translation starts as a draft: a coordinator publishes it once it is translated (never half Estonian).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("et", "Eesti"), ("en", "English"), ("ru", "Русский")]
WAGTAIL_CONTENT_LANGUAGES = [("et", "Eesti"), ("en", "English"), ("ru", "Русский")]
WAGTAILAPI_BASE_URL = SITE_URL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}},  # its INFO lines narrate every PDF step
}
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"


# --- National eID log-in: TARA, the state authentication service (RIA), through allauth's OpenID Connect
# provider. Off unless TARA_SERVER_URL, TARA_CLIENT_ID and TARA_CLIENT_SECRET are all set: then there is no
# button and the TARA URLs answer 404. docs/operations.md ("National eID log-in") tells how to register.
TARA_PROVIDER_ID = "tara"


def tara_providers(*, server_url: str, client_id: str, secret: str, scopes: list[str],
                   acr: str = "substantial", pkce: bool = True) -> dict:
    """SOCIALACCOUNT_PROVIDERS for TARA (or {} when it is not configured). Tests call it with their own
    loopback provider's address."""
    if not (server_url and client_id and secret):
        return {}
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": pkce,
            "APPS": [{
                "provider_id": TARA_PROVIDER_ID,
                "name": "TARA",
                "client_id": client_id,
                "secret": secret,
                "settings": {
                    "server_url": server_url.rstrip("/"),
                    "scope": scopes,
                    # Everything is in the ID token; no second call to the userinfo endpoint.
                    "fetch_userinfo": False,
                    # TARA takes the client secret through HTTP Basic authentication.
                    "token_auth_method": "client_secret_basic",
                    "oauth_pkce_enabled": pkce,
                    # The lowest level of assurance accepted (TARA: low < substantial < high; ID-card,
                    # Mobile-ID and Smart-ID are "high"). Sent as acr_values (TARA applies it to cross-border
                    # log-ins) and checked in the ID token (accounts/tara.py).
                    "acr": acr,
                },
            }],
        },
    }


SOCIALACCOUNT_PROVIDERS = tara_providers(
    server_url=os.environ.get("TARA_SERVER_URL", ""),
    client_id=os.environ.get("TARA_CLIENT_ID", ""),
    secret=os.environ.get("TARA_CLIENT_SECRET", ""),
    scopes=os.environ.get("TARA_SCOPES", "openid idcard mid smartid").split(),
    acr=os.environ.get("TARA_ACR", "substantial"),
    pkce=env_bool("TARA_PKCE", True),
)
SOCIALACCOUNT_ADAPTER = "accounts.tara.TaraSocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "accounts.tara_forms.TaraSignupForm"}
# A national identity is never matched to an account by e-mail or name: TARA gives no e-mail, and a new person
# always sees the sign-up form (e-mail verified by allauth's flow, profile completed) before the account exists.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("TARA_TIMEOUT_SECONDS", "10"))

# Attendance (enrollment/attendance): marks lock this many days after a session; coordinators can still correct
# them with a reason. The worker closes a cohort (computes completion) once its last session is this old.
ATTENDANCE_LOCK_DAYS = int(os.environ.get("ATTENDANCE_LOCK_DAYS", "7"))
ATTENDANCE_CHECKIN_OPENS_MINUTES = 30  # self check-in opens this long before a session starts
ATTENDANCE_CHECKIN_ROTATE_SECONDS = 60  # a new check-in code every minute (each valid for two)

# Reliable background work (outbox/, docs/operations.md): worker lease and heartbeat, e-mail retries, health.
OUTBOX_HEARTBEAT_SECONDS = float(os.environ.get("OUTBOX_HEARTBEAT_SECONDS", "10"))
# E-mails are delivered from the message log by each worker's relay thread (outbox.worker.Relay), without a task
# row each. Off on SQLite, which takes one writer at a time: a relay writing beside the worker's own tasks made the
# demo's tasks fail with "database is locked". There each e-mail gets its task, as before.
OUTBOX_RELAY = env_bool("OUTBOX_RELAY", DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3")
OUTBOX_RELAY_SECONDS = float(os.environ.get("OUTBOX_RELAY_SECONDS", "1"))  # how often a worker looks for due e-mails
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))  # no heartbeat this long: worker dead
# A task or e-mail whose run killed its worker this often fails instead of being taken again.
OUTBOX_MAX_CLAIMS = int(os.environ.get("OUTBOX_MAX_CLAIMS", "5"))
OUTBOX_RETRY_BASE_SECONDS = int(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = int(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "3600"))
OUTBOX_RETRY_FOR_SECONDS = int(os.environ.get("OUTBOX_RETRY_FOR_SECONDS", str(24 * 3600)))
OUTBOX_OVERDUE_SECONDS = int(os.environ.get("OUTBOX_OVERDUE_SECONDS", "900"))
OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS = int(os.environ.get("OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS", "300"))
# `sweep` prunes finished rows older than this many days (0: keep forever): task rows that succeeded or failed,
# and the message log's sent and failed e-mails (what coordinators look up, so kept for a year).
OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS = int(os.environ.get("OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS", "30"))
OUTBOX_PRUNE_FAILED_TASKS_DAYS = int(os.environ.get("OUTBOX_PRUNE_FAILED_TASKS_DAYS", "90"))
OUTBOX_PRUNE_MESSAGES_DAYS = int(os.environ.get("OUTBOX_PRUNE_MESSAGES_DAYS", "365"))

# Reports (reports/, docs/reports.md): a table with more rows than this is downloaded through a background task
# (a progress page, then a link) instead of at once; its file is deleted by `sweep` this many days after it was
# ready; the programme progress page shows this many people a page.
REPORTS_BACKGROUND_DOWNLOAD_ROWS = int(os.environ.get("REPORTS_BACKGROUND_DOWNLOAD_ROWS", "5000"))
REPORTS_DOWNLOAD_DAYS = int(os.environ.get("REPORTS_DOWNLOAD_DAYS", "7"))
REPORTS_PROGRAMME_PAGE_SIZE = 50

# Guessing check-in codes: wrong codes allowed per person and per session within the window (then 429).
ATTENDANCE_CHECKIN_MAX_FAILURES = 5
ATTENDANCE_CHECKIN_SESSION_MAX_FAILURES = 100
ATTENDANCE_CHECKIN_FAILURE_WINDOW_SECONDS = 600

# Personal data (privacy/services/retention.py): how long each kind is kept, in days unless named in years.
PRIVACY_RETENTION = {
    "signup_answers_days": int(os.environ.get("PRIVACY_SIGNUP_ANSWERS_DAYS", "30")),  # after the cohort ends
    "email_log_days": int(os.environ.get("PRIVACY_EMAIL_LOG_DAYS", "365")),
    "inactive_account_days": int(os.environ.get("PRIVACY_INACTIVE_ACCOUNT_DAYS", str(3 * 365))),
    "inactive_grace_days": int(os.environ.get("PRIVACY_INACTIVE_GRACE_DAYS", "30")),  # warned, then erased
    # Participation in funded trainings (ESF+): until the end of the year of the training plus this many years.
    "funded_participation_years": int(os.environ.get("PRIVACY_FUNDED_YEARS", "10")),
    "export_link_days": int(os.environ.get("PRIVACY_EXPORT_LINK_DAYS", "7")),
}
# The controller named on the privacy notice (its page may say more).
PRIVACY_CONTROLLER = os.environ.get("PRIVACY_CONTROLLER", "")
PRIVACY_CONTROLLER_EMAIL = os.environ.get("PRIVACY_CONTROLLER_EMAIL", "")
