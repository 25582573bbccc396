"""Enrollment follows the runs and the people below it."""

from django.dispatch import receiver

from courses.models import RunStatus
from courses.signals import run_edited
from people.signals import account_deleting, profile_completed

from .models import ACTIVE_STATUSES
from .services.coordinator import confirm_held_seats
from .services.registration import cancel, close_cancelled_run


@receiver(run_edited)
def close_registrations_of_cancelled_run(sender, run, **kwargs):
    if run.status == RunStatus.CANCELLED:
        close_cancelled_run(run.pk)


@receiver(profile_completed)
def confirm_seats_held_for_the_person(sender, user, **kwargs):
    """Someone a coordinator enrolled before they had an account completed their profile:
    the seats held for them become confirmed."""
    return confirm_held_seats(user)


@receiver(account_deleting)
def release_seats_of_deleted_account(sender, user, **kwargs):
    """An account is being deleted: its seats go to the waitlist and its needs are deleted."""
    for registration in user.registrations.filter(status__in=ACTIVE_STATUSES):
        cancel(registration, actor=user, reason="Account deleted", organiser=True)
    user.registrations.update(needs="")
