"""The one settings module. Every value that differs between environments is read from the
environment through :mod:`mhsip.env`, which stops start-up with a message naming the variable
when a value is malformed.

``MHSIP_ENV`` chooses the environment: ``production`` (the default: secure unless told
otherwise), ``development`` (``make run``) or ``test`` (the pytest plugin
:mod:`mhsip.testing.pytest_env`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mhsip.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent  # the checkout, for an editable install

MHSIP_ENV = env_str("MHSIP_ENV", "production") or "production"
if MHSIP_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured(
        f"MHSIP_ENV={MHSIP_ENV!r} must be one of production, development, test"
    )
DEBUG = env_bool("DEBUG", MHSIP_ENV == "development")
TESTING = MHSIP_ENV == "test"

VAR_DIR = Path(env_str("MHSIP_VAR_DIR", str(PROJECT_DIR / "var")) or "var")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-not-for-production-use-0123456789abcdef"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set outside development and test")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG or TESTING else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mhsip.core",
    "mhsip.audit",
    "mhsip.accounts",
    "mhsip.organisations",
    "mhsip.recording",
    "mhsip.safety",
    "mhsip.returns",
    "mhsip.imports",
    "mhsip.measures",
    "mhsip.improvement",
    "mhsip.network",
    "mhsip.monitoring",
    "mhsip.reports",
    "mhsip.demo",
    "mhsip.equity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mhsip.core.middleware.LoginRequiredByDefault",
    "mhsip.audit.middleware.RequestActor",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mhsip.urls"
WSGI_APPLICATION = "mhsip.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "mhsip.jinja2_env.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "mhsip.core.context.service",
            ],
        },
    },
    {  # Django's own templates (error pages of third-party apps); our pages are Jinja2.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

# --- Database: SQLite by default (zero set-up), PostgreSQL when DATABASE_URL is set -----------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "mhsip.sqlite3",
            # WAL lets readers run while one writer writes; the busy timeout waits for the lock
            # instead of failing at once. ``init_command`` runs on every new connection.
            "OPTIONS": {
                "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20, minimum=1),
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sessions and authentication ---------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # stateless web processes
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)  # one shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: idle sessions end
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # failed-login throttling, first
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # fast hashing in tests only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Security headers (production values unless debugging) -------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)

# Content security policy (django-csp 4): same-origin only; inline scripts need the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:", "https://assets.nhs.uk"],  # NHS Frutiger webfont
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PROJECT_DIR / "assets" / "dist"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if TESTING:  # tests write uploads and reports to a throwaway folder, never var/media
    import tempfile

    STORAGES["default"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="mhsip-test-media-")
WHITENOISE_USE_FINDERS = True  # serve straight from STATICFILES_DIRS without collectstatic

# --- Background work: Django's Tasks API (django-tasks backport) --------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# --- E-mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mhsip@example.nhs.uk")

# --- Caching: the database cache is shared by every web process ---------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mhsip_cache",
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

MHSIP_SERVICE_NAME = "Mental Health Safety Improvement Programme"

# --- Patient identity (ADR 0005) ----------------------------------------------------------------
PSEUDONYM_KEY = env_str("PSEUDONYM_KEY")
if not PSEUDONYM_KEY:
    if DEBUG or TESTING:
        PSEUDONYM_KEY = "insecure-development-pseudonym-key"
    else:
        raise ImproperlyConfigured("PSEUDONYM_KEY must be set outside development and test")
# Encrypts identifiable fields (patient names, NHS numbers, staff names) in trusts that switch
# identifiable mode on. Fernet keys per trust are derived from it with HKDF (ADR 0005).
IDENTITY_KEY = env_str("IDENTITY_KEY")
if not IDENTITY_KEY:
    if DEBUG or TESTING:
        IDENTITY_KEY = "insecure-development-identity-key"
    else:
        raise ImproperlyConfigured("IDENTITY_KEY must be set outside development and test")
