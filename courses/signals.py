"""Signals of the courses app, and the cache of each run's first day.

``run_edited`` tells the apps above that an organiser saved a run (sessions, place, status):
enrollment closes the registrations of a cancelled run, calendars updates participants'
calendars. It is sent inside the save's transaction.
"""

from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import CourseRun, CourseSession

run_edited = Signal()  # sender=CourseRun, run=<the saved run>


def update_starts_on(run_id):
    first = CourseSession.objects.filter(run_id=run_id).aggregate(first=Min("date"))["first"]
    CourseRun.objects.filter(pk=run_id).exclude(starts_on=first).update(starts_on=first)


@receiver(post_save, sender=CourseSession)
@receiver(post_delete, sender=CourseSession)
def session_changed(sender, instance, **kwargs):
    update_starts_on(instance.run_id)
