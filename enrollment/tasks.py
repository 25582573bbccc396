from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from courses.models import CourseRun

from .models import Registration, RegistrationStatus
from .services.waitlist import refresh_run


@shared_task
def refresh_waitlists():
    """Expire due offers and offer free seats (including reserved seats just released) on
    every upcoming run with someone waiting or an open offer."""
    now = timezone.now()
    run_ids = (
        Registration.objects.filter(
            status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED],
            run__sessions__date__gte=timezone.localdate() - timedelta(days=1),
        )
        .values_list("run_id", flat=True)
        .distinct()
    )
    for run_id in run_ids:
        refresh_run(run_id, now)
    return len(run_ids)


@shared_task
def purge_needs():
    """Dietary and accessibility needs are deleted 30 days after the run's last session."""
    cutoff = timezone.localdate() - timedelta(days=30)
    finished = CourseRun.objects.with_dates().filter(last_date__lt=cutoff).values("pk")
    return (
        Registration.objects.filter(run__in=finished)
        .exclude(needs="")
        .update(needs="", needs_deleted_at=timezone.now())
    )
