"""Reminders before a run: by default 7 days and 1 day before the first session.

Invariant: each confirmed registration gets each reminder at most once (a unique row written
with the outbox message in one transaction); someone who registers late gets only the nearest
reminder, never a "7 days left" two days before; cancelled registrations get none.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import CourseRun, RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.notify import registration_email

from .models import ReminderSent


def send_due_reminders(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    runs = (
        CourseRun.objects.filter(status=RunStatus.PUBLISHED)
        .exclude(reminder_days="")
        .with_dates()
        .filter(first_date__gte=today, first_date__lte=today + timedelta(days=91))
        .prefetch_related("sessions")
        .select_related("course")
    )
    sent = 0
    for run in runs:
        start = run.starts_at
        due = [d for d in run.reminder_day_list if start - timedelta(days=d) <= now < start]
        if not due:
            continue
        nearest = min(due)
        last = min(run.reminder_day_list)
        registrations = (
            Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED)
            .exclude(reminders__days_before=nearest)
            .select_related("user")
            .prefetch_related("reminders")
        )
        for registration in registrations:
            registration.run = run
            already = {r.days_before for r in registration.reminders.all()}
            # Confirmed after the nearest reminder's time, with a later reminder still to come:
            # record it as sent and skip it (no "7 days left" to someone registering 2 days
            # before); the last reminder is always sent.
            confirmed = registration.confirmed_at
            stale = (
                nearest != last
                and confirmed is not None
                and start - timedelta(days=nearest) < confirmed
            )
            try:
                with transaction.atomic():
                    # The nearest reminder is sent; earlier ones that are past are skipped.
                    ReminderSent.objects.bulk_create(
                        [
                            ReminderSent(registration=registration, days_before=d)
                            for d in due
                            if d not in already
                        ]
                    )
                    if not stale:
                        registration_email(registration, "reminder", days=nearest)
            except IntegrityError:
                continue  # another worker sent it
            if stale:
                continue
            sent += 1
    return sent
