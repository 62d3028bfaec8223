"""Lantai's one settings module, driven by ``LANTAI_*`` environment variables.

Defaults give the embedded setup: SQLite in WAL mode and every file under ``LANTAI_DATA_DIR``
(``./var``). ``LANTAI_DATABASE_URL=postgres://…`` switches to PostgreSQL. Each value is read by a
typed helper from :mod:`lantai.env` that rejects bad input with a one-line message.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from lantai.env import (
    env_bool,
    env_choice,
    env_database,
    env_dir,
    env_int,
    env_list,
    env_mapping_int,
    env_str,
)
from lantai.text import limits as text_limits

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_dir("LANTAI_DATA_DIR", "./var")


def _secret_key() -> str:
    """LANTAI_SECRET_KEY, else one generated once and kept in the data directory."""
    configured = env_str("LANTAI_SECRET_KEY", "")
    if configured:
        return configured
    key_file = DATA_DIR / "secret.key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="ascii")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LANTAI_DEBUG", False)
ALLOWED_HOSTS = env_list("LANTAI_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LANTAI_CSRF_TRUSTED_ORIGINS", [])
# A stale or foreign form gets the portal's own page, not Django's English one.
CSRF_FAILURE_VIEW = "lantai.portal.errors.csrf_failure"

# The holding archive, shown on every page and printed in watermarks.
ARCHIVE_NAME = env_str("LANTAI_ARCHIVE_NAME", "兰台区档案馆")
# Records open to the public this many years after their date (档案法 art. 27), unless decided.
OPEN_AFTER_YEARS = env_int("LANTAI_OPEN_AFTER_YEARS", 25, minimum=0, maximum=100)
# Per-门类 thresholds, e.g. "RS:50,KJ:30" (personnel records open later).
OPEN_RULES = env_mapping_int("LANTAI_OPEN_RULES", {})
# Extra terms the open-review flags should point out (comma separated).
SENSITIVE_TERMS = env_list("LANTAI_SENSITIVE_TERMS", [])

INSTALLED_APPS = [
    # django.contrib.admin with an OTP-aware default site (lantai/accounts/totp.py).
    "lantai.accounts.totp.LantaiAdminConfig",
    # Before django.contrib.auth, so that its ``createsuperuser`` (a refusal) replaces Django's.
    "lantai.accounts",
    "lantai.access",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "lantai.audit",
    "lantai.archive",
    "lantai.ingest",
    "lantai.preservation",
    "lantai.search",
    "lantai.portal",
    "lantai.portal.staff.ingest",
    "lantai.portal.staff.review",
    "lantai.portal.staff.items",
    "lantai.portal.staff.accounts",
    "lantai.portal.staff.audit",
    "lantai.runtime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lantai.portal.upload_limit.UploadLimitMiddleware",  # before anything reads the body
    "lantai.audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lantai.urls"
WSGI_APPLICATION = "lantai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lantai.portal.context.archive",
            ],
        },
    },
]

DATABASES = {"default": env_database("LANTAI_DATABASE_URL", DATA_DIR / "lantai.sqlite3")}
# Every request is one transaction, so a change and its audit event commit together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so tests can hand the test database to a second process.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-lantai.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work runs as tasks (architecture §2): the database queue by default, inline when asked
# (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("LANTAI_TASKS_INLINE", False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("LANTAI_SESSION_MINUTES", 30, minimum=5, maximum=24 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout, not a fixed lifetime
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("LANTAI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = env_choice("LANTAI_LANGUAGE", "zh-hans", ["zh-hans", "en"])
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("LANTAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Assets are served by the app itself from the installed packages (no CDN, no collectstatic
# step): archives run on closed networks and small installs have no separate web server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

STORAGE_DIR = DATA_DIR / "storage"
INDEX_DIR = DATA_DIR / "index"
LOG_DIR = DATA_DIR / "logs"
AUDIT_CHECKPOINTS = DATA_DIR / "audit" / "checkpoints.jsonl"  # lantai.audit.anchors
# Web uploads wait here (one folder each) for their ingest task; a task's scratch files
# (unpacked zips, WARC records) live in TASK_TEMP_DIR/<task id>/ while it runs. Both are
# removed on every outcome, and swept for orphans when a worker starts (lantai/ingest/worker.py).
UPLOAD_DIR = DATA_DIR / "uploads"
TASK_TEMP_DIR = DATA_DIR / "tmp"
# The most one request may send (lantai.portal.upload_limit): over it, the portal's 413 before
# the body is read. Django spools an upload over 2.5 MB to a file here while the request runs
# (on the data disk, not a small /tmp), and removes it when the request ends.
UPLOAD_MAX_BYTES = env_int(
    "LANTAI_UPLOAD_MAX_BYTES", 2 * 1024**3, minimum=1024 * 1024, maximum=1024**5
)
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "incoming")

# Mail to users (a password reset's notice): an SMTP relay where one is set, otherwise each
# message is written as a file under the data dir, so an offline install loses nothing and
# never waits on a network.
EMAIL_HOST = env_str("LANTAI_SMTP_HOST", "")
EMAIL_PORT = env_int("LANTAI_SMTP_PORT", 25, minimum=1, maximum=65535)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("LANTAI_MAIL_FROM", "lantai@localhost")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)

# Task leases (lantai/ingest/worker.py): a worker renews its lease every HEARTBEAT seconds; a
# task whose worker has not beaten for LEASE seconds (or whose process is gone, on this
# machine) is retried until it has been attempted MAX_ATTEMPTS times, then failed.
# Read again on each use (lantai.text.limits); read once here so a bad value stops start-up.
TEXT_MAX_BYTES = text_limits.max_bytes()
OCR_TIMEOUT = text_limits.ocr_timeout()
WORKER_HEARTBEAT_SECONDS = env_int("LANTAI_WORKER_HEARTBEAT_SECONDS", 5, minimum=1, maximum=300)
WORKER_LEASE_SECONDS = env_int("LANTAI_WORKER_LEASE_SECONDS", 60, minimum=2, maximum=86400)
TASK_MAX_ATTEMPTS = env_int("LANTAI_TASK_MAX_ATTEMPTS", 2, minimum=1, maximum=20)

LOGIN_URL = "/account/login/"
LOGIN_REDIRECT_URL = "/account/"
LOGOUT_REDIRECT_URL = "/"
# Login throttle (lantai/accounts/throttle.py): failures counted per username and per client
# address within a sliding window; the address limit is looser (reading rooms share one).
LOGIN_FAILURES_PER_USER = env_int("LANTAI_LOGIN_FAILURES_PER_USER", 5, minimum=1, maximum=100)
LOGIN_FAILURES_PER_IP = env_int("LANTAI_LOGIN_FAILURES_PER_IP", 20, minimum=1, maximum=10000)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LANTAI_LOGIN_WINDOW_MINUTES", 15, minimum=1, maximum=1440)
# Registration attempts per client address in the same window (lantai/portal/accounts.py).
REGISTRATIONS_PER_IP = env_int("LANTAI_REGISTRATIONS_PER_IP", 20, minimum=1, maximum=10000)
OTP_TOTP_ISSUER = ARCHIVE_NAME

# Content-Security-Policy (django-csp 4): this origin only, no inline script, no plug-ins, no
# framing. The one inline <style> the Django admin emits (admin/change_list.html, change lists
# without actions) is allowed by its hash rather than by 'unsafe-inline';
# tests/portal/test_accounts.py checks the hash against the installed template.
ADMIN_CHANGELIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, ADMIN_CHANGELIST_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The console gets warnings and errors only (LANTAI_LOG_LEVEL); the task worker's line per task
# goes to LOG_DIR/worker.log (the worker command), so the demo's console keeps its passwords and
# URLs in view.
LOG_LEVEL = env_choice(
    "LANTAI_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
