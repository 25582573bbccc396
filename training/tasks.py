import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from .services.certificates import issue_due

logger = logging.getLogger(__name__)


@shared_task
def issue_package_certificates(user_id):
    """Issue the package certificates a person has earned (after a course completion)."""
    user = get_user_model().objects.filter(pk=user_id, anonymised_at__isnull=True).first()
    if user is not None:
        issue_due(user)


def queue_package_certificates(user_id):
    try:
        issue_package_certificates.delay(user_id)
    except Exception:  # broker down: the next completion or a visit to My courses retries
        logger.warning("Could not queue package certificates for user %s", user_id)
