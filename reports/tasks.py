from celery import shared_task

from . import digests


@shared_task
def send_digests():
    """Coordinators' daily or weekly digests that are due (at most one per period)."""
    return digests.send_due_digests()
