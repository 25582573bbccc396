"""Settings shared by every environment. Everything that differs between machines comes from
the environment (see the configuration table in README.md)."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .federation import openid_connect_apps

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in emails, calendar feeds and the admin.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The service's accessibility statement as published on Digdir's uustatus.no (linked from
# /tilgjengelighet/); empty: no link.
UUSTATUS_URL = os.environ.get("UUSTATUS_URL", "")
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "post@napha.no")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL

INSTALLED_APPS = [
    "people",
    "organisations",
    "geo",
    "cms",
    "courses",
    "enrollment",
    "outbox",
    "calendars",
    "attendance",
    "teaching",
    "reports",
    "evaluation",
    "training",
    "common",
    "devtools",
    "csp",
    "portal",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_celery_beat",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.SitePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "common.middleware.RejectUnstorableInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Content-Security-Policy (django-csp 4, through common.middleware.SitePolicyMiddleware). The
# site has no script and no inline style; images may be data: URIs (QR codes). The Wagtail and
# Django admins need inline scripts and styles, blob: image previews and same-site frames
# (page previews), so they get their own, looser policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
CSP_ADMIN_PREFIXES = ["/admin/", "/django-admin/"]
CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Permissions-Policy: features no page of the site uses (check-in is a typed code or the
# phone's own camera app reading the QR code, never the camera from a page).
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "browsing-topics": [],
}
# Avatars from gravatar.com would need the admin's img-src widened; initials are shown instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# True only in config.settings.production (seed_demo refuses to run there unless told to).
IS_PRODUCTION = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.navigation.navigation",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the identity; verification is mandatory.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[IPS-kurs] "
ACCOUNT_ADAPTER = "people.adapter.AccountAdapter"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CHANGE_EMAIL = True  # a changed address must be verified before it replaces the old
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their email or password changes
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Sessions are read from the cache (Redis in production) and written through to the database:
# a signed-in request does not spend a database query on its session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# allauth's rate limits (login, failed logins, signup, password reset, codes) are kept in the
# cache, so CACHE_URL must point at Redis in production for limits shared between processes.
# The client's address behind reverse proxies (common.client_ip): how many proxies in front of
# the app append to X-Forwarded-For. 0: none, X-Forwarded-For is ignored. allauth's limits use
# the same rule (people.adapter.AccountAdapter.get_client_ip); its own setting is kept equal.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "request_login_code": "20/m/ip,3/m/key",
}

# Federated sign-in (docs/login.md): OpenID Connect providers from OIDC_PROVIDERS and
# OIDC_<ID>_* variables. people.social makes allauth's generic provider strict (PKCE, nonce,
# signed ID tokens, acr, private_key_jwt, only a few claims kept and never `pid`).
SOCIALACCOUNT_ADAPTER = "people.adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "people.social.FederatedProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": openid_connect_apps(os.environ),
    }
}
# An email address from a provider never logs anyone into an existing account by itself:
# people.services.federation asks them to sign in to that account once to link it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Internationalisation: Norwegian bokmål without a URL prefix, English under /en/.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian bokmål")), ("en", _("English"))]
# Signing in to the Wagtail admin goes through allauth's rate-limited login (config.admin), and
# so does resetting a password: Wagtail's own reset form is off.
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Wagtail's localisation: editors make English versions of pages with *Translate*
# (simple_translation); see cms/localisation.py.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Cache: Redis when configured (shared between processes, needed for rate limits), else local.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Email
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "IPS-kurs <kurs@ipskurs.no>")
# ORGANIZER of calendar invitations: an address whose replies are discarded (see
# docs/calendar.md); attendees are marked RSVP=FALSE so calendars do not offer to reply.
CALENDAR_ORGANIZER_EMAIL = os.environ.get("CALENDAR_ORGANIZER_EMAIL", "kalender-svar@ipskurs.no")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Celery
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {"task": "cms.tasks.publish_scheduled_pages", "schedule": 60.0},
    "refresh-waitlists": {"task": "enrollment.tasks.refresh_waitlists", "schedule": 60.0},
    "sweep-outbox": {"task": "outbox.tasks.sweep_outbox", "schedule": 60.0},
    "sweep-calendars": {"task": "calendars.tasks.sweep_calendars", "schedule": 60.0},
    "send-reminders": {"task": "calendars.tasks.send_reminders", "schedule": 15 * 60.0},
    "send-digests": {"task": "reports.tasks.send_digests", "schedule": 60 * 60.0},
    "purge-needs": {"task": "enrollment.tasks.purge_needs", "schedule": 6 * 60 * 60.0},
    "evaluation-reminders": {
        "task": "evaluation.tasks.send_evaluation_reminders",
        "schedule": 60 * 60.0,
    },
    "clear-expired-sessions": {
        "task": "people.tasks.clear_expired_sessions",
        "schedule": 24 * 60 * 60.0,
    },
    "apply-retention": {"task": "people.tasks.apply_retention", "schedule": 24 * 60 * 60.0},
}
# Retention of accounts (people.services.retention; the privacy page states these periods):
# unclaimed accounts are deleted after RETENTION_UNCLAIMED_DAYS; accounts unused for
# RETENTION_INACTIVE_DAYS are warned by email and deleted RETENTION_WARNING_DAYS later unless
# the person signs in.
RETENTION_UNCLAIMED_DAYS = int(os.environ.get("RETENTION_UNCLAIMED_DAYS", "90"))
RETENTION_INACTIVE_DAYS = int(os.environ.get("RETENTION_INACTIVE_DAYS", str(3 * 365)))
RETENTION_WARNING_DAYS = int(os.environ.get("RETENTION_WARNING_DAYS", "30"))


def broker_transport_options(broker_url: str) -> dict:
    """kombu's filesystem transport keeps its queue under var/celery/ (no server needed)."""
    if not broker_url.startswith("filesystem://"):
        return {}
    queue_dir = VAR_DIR / "celery"
    for sub in ("queue", "processed", "control"):
        (queue_dir / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir / "queue"),
        "data_folder_out": str(queue_dir / "queue"),
        "processed_folder": str(queue_dir / "processed"),
        "control_folder": str(queue_dir / "control"),
        "store_processed": False,
    }


CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL)

# Outbox: first retry of a temporary SMTP failure after this many seconds, doubling each time.
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "30"))
# How long a worker may take over a claimed batch of emails before another worker sends them
# again (a worker that died): longer than a batch ever takes to send.
OUTBOX_LEASE_SECONDS = float(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))

# Wagtail
WAGTAIL_SITE_NAME = "IPS-kurs"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Every document goes through Wagtail's serve view, so the before_serve_document hook guards
# course materials (teaching.services.materials); never a redirect to a public storage URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ALLOW_UNICODE_SLUGS = False

# Registration: every change locks the run row (PostgreSQL); a lock wait longer than this
# becomes a friendly "busy, try again". ENROLLMENT_LOCK_RUNS=False exists for one test only.
ENROLLMENT_LOCK_RUNS = True
ENROLLMENT_LOCK_TIMEOUT_MS = int(os.environ.get("ENROLLMENT_LOCK_TIMEOUT_MS", "15000"))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Set when the connection opens (libpq options), so no request spends a query on it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={ENROLLMENT_LOCK_TIMEOUT_MS}"
    )
ENROLLMENT_TEST_PAUSE_AFTER_CHECK = 0

# Catalogue
CATALOGUE_PAGE_SIZE = 20
API_PAGE_SIZE = 50
# How long the catalogue, the API and the public feeds keep a rendered listing at most. Any
# change to what they show makes it stale at once (portal.public.listing_cache); 0 turns it off.
# `manage.py bench --http-reads` serves a bare view at /bench/bare/ to compare with.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW")
PUBLIC_LISTING_CACHE_SECONDS = int(os.environ.get("PUBLIC_LISTING_CACHE_SECONDS", "600"))

# Teaching a run: messages to participants, meeting links
RUN_MESSAGES_PER_HOUR = int(os.environ.get("RUN_MESSAGES_PER_HOUR", "5"))
MEETING_LINK_LEAD_MINUTES = int(os.environ.get("MEETING_LINK_LEAD_MINUTES", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"skip_conflicts": {"()": "common.log_filters.SkipConflicts"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["skip_conflicts"]},
        # Wagtail logs every page action and django-tasks every task at INFO; the audit log
        # in the admin keeps those, so the console shows warnings only.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
