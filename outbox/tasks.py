from celery import shared_task
from django.core.cache import cache

from . import services


@shared_task(bind=True)
def send_outbox(self):
    """Send every due message (queued on commit, at most one waiting at a time). In a burst
    it queues one more of itself, so every process of the worker sends in parallel."""
    # Cleared first: a message committed from now on queues the next run.
    cache.delete(services.KICK_KEY)
    return services.send_due(on_burst=None if self.request.is_eager else services.kick)


@shared_task
def sweep_outbox():
    """Every minute: what was never queued (broker down at commit), retries that are due and
    messages whose worker died while sending them."""
    return services.send_due()
