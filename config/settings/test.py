"""Test settings: DATABASE_URL decides SQLite (default) or PostgreSQL; tasks run eagerly unless
a test starts a real worker; email is kept in memory."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A test that starts a real worker passes these to it; otherwise email stays in memory.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_TIMEOUT = 5
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") != "0"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Each test process its own cache, even where CACHE_URL is set (CI): tests empty the cache, and
# parallel test processes must not empty each other's. The worker tests share Redis explicitly.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
# Static files are served from the apps' folders, so tests need no collectstatic (and WhiteNoise
# does not warn about a missing STATIC_ROOT on every request handler it builds).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
