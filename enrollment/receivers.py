"""Enrollment follows the runs below it."""

from django.dispatch import receiver

from courses.models import RunStatus
from courses.signals import run_edited

from .services.registration import close_cancelled_run


@receiver(run_edited)
def close_registrations_of_cancelled_run(sender, run, **kwargs):
    if run.status == RunStatus.CANCELLED:
        close_cancelled_run(run.pk)
