"""Celery application.

Under `make run` (no Redis) a worker with embedded beat runs on kombu's filesystem transport
under var/celery/; in CI and production the broker is Redis, with beat using
django-celery-beat's database scheduler.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("ipskurs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
