"""Periodic CMS housekeeping, scheduled by django-celery-beat (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def publish_scheduled_pages():
    """Publish and unpublish pages whose go-live or expiry time has passed (Wagtail scheduling)."""
    call_command("publish_scheduled", verbosity=0)
