from celery import shared_task
from django.core.cache import cache

from . import services


@shared_task(bind=True)
def send_outbox(self):
    """Send every due message. Queued on commit (``services.kick``), one at a time: while it
    runs, commits queue nothing, so it sends in batches rather than racing a task per email.
    In a burst it asks one more of itself to help, so every worker process sends."""
    on_burst = None if self.request.is_eager else send_outbox.delay
    sent = services.send_due(on_burst=on_burst)
    # Hand the flag back, then look once more: a message committed before this moment saw the
    # flag and queued nothing; one committed after it queues the next run.
    cache.delete(services.KICK_KEY)
    return sent + services.send_due(on_burst=on_burst)


@shared_task
def sweep_outbox():
    """Every minute: what was never queued (broker down at commit), retries that are due and
    messages whose worker died while sending them."""
    return services.send_due()
