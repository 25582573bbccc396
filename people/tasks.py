"""Periodic housekeeping of sign-in sessions and accounts, scheduled by django-celery-beat."""

from celery import shared_task
from django.core.management import call_command

from .services import retention


@shared_task
def clear_expired_sessions():
    call_command("clearsessions", verbosity=0)


@shared_task
def apply_retention():
    """Delete unclaimed and long-unused accounts, warning the latter first
    (people.services.retention)."""
    return retention.apply_retention()
