from celery import shared_task

from .services.asking import send_follow_ups, send_reminders


@shared_task(name="evaluation.tasks.send_evaluation_reminders")
def send_evaluation_reminders():
    """Beat: follow-up rounds that are due, and the one reminder of each round."""
    return send_follow_ups() + send_reminders()
