from celery import shared_task

from . import reminders, services


@shared_task
def sync_run_calendars(run_id):
    """Queued a minute after a run changes; a later edit makes this one a no-op."""
    return services.sync_run(run_id)


@shared_task
def sweep_calendars():
    """Runs whose update task was lost (broker down) are synced here."""
    return sum(services.sync_run(run_id) or 0 for run_id in services.dirty_runs())


@shared_task
def send_reminders():
    return reminders.send_due_reminders()
