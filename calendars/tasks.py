from celery import shared_task

from .reminders import send_due_reminders
from .services import dirty_runs, sync_run


@shared_task
def sync_run_calendars(run_id):
    """Queued a minute after a run changes; a later edit makes this one a no-op."""
    return sync_run(run_id)


@shared_task
def sweep_calendars():
    """Runs whose update task was lost (broker down) are synced here."""
    return sum(sync_run(run_id) or 0 for run_id in dirty_runs())


@shared_task
def send_reminders():
    return send_due_reminders()
