"""Celery application.

Under `make run` (no Redis) tasks run in-process (``CELERY_TASK_ALWAYS_EAGER``) and periodic
jobs run from the ``run_periodic`` loop started by ``make run``; in production a worker and
beat (django-celery-beat's database scheduler) run against Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("ipskurs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
