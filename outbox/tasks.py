from celery import shared_task
from django.core.cache import cache

from . import services


@shared_task
def send_outbox():
    """Send every due message (queued on commit, at most one waiting at a time)."""
    # Cleared first: a message committed from now on queues the next run.
    cache.delete(services.KICK_KEY)
    return services.send_due()


@shared_task
def sweep_outbox():
    """Every minute: what was never queued (broker down at commit), retries that are due and
    messages whose worker died while sending them."""
    return services.send_due()
