"""Celery application.

Under `make run` (no Redis) a worker with embedded beat runs on kombu's filesystem transport
under var/celery/; in CI and production the broker is Redis, with beat using
django-celery-beat's database scheduler.
"""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init
from django.conf import settings
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("ipskurs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def warm_up(**kwargs):
    """Import the URL configuration (every view module), build the URL resolver and load the
    translation catalogues when a worker process starts, for each language, rather than in
    its first task: the first batch of emails after a start otherwise waits for them (about
    half a second, measured with ``bench --invitations``). Then freeze what was made."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 - built on first access, per language
    # What is alive now (modules, URL patterns, translations: about 300,000 objects) lives as
    # long as the process: keep it out of the collector's full passes, each of which otherwise
    # took 130-280 ms in the middle of a burst of email (once per 1,000 invitations).
    gc.collect()
    gc.freeze()
