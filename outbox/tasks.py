from celery import shared_task

from .services import deliver, due_messages


@shared_task(acks_late=True)
def send_message(message_id):
    return deliver(message_id)


@shared_task
def sweep_outbox():
    """Send what was never queued (broker down at commit) and retries that are due."""
    count = 0
    for message_id in due_messages():
        deliver(message_id)
        count += 1
    return count
