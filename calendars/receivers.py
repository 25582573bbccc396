"""Calendars follow registrations and runs (the apps below never call calendars)."""

from django.dispatch import receiver

from courses.signals import run_edited
from enrollment.signals import registration_changed

from . import services


@receiver(registration_changed)
def follow_registration(sender, registration, from_status, to_status, now, notice=None, **kw):
    services.follow_registration(registration, from_status, to_status, now, notice)


@receiver(run_edited)
def follow_run(sender, run, **kwargs):
    # The diff after the run settles decides whether anything is sent.
    services.mark_run_changed(run)
