from celery import shared_task

from .services.asking import send_reminders


@shared_task(name="evaluation.tasks.send_evaluation_reminders")
def send_evaluation_reminders():
    """Beat: the one reminder of each evaluation round that is due."""
    return send_reminders()
