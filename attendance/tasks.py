from celery import shared_task
from django.db.models import F
from django.utils import timezone

from enrollment.models import Registration, RegistrationStatus

from .models import CertificateBatch
from .services.certificates import issue, valid_certificate


@shared_task
def generate_certificates(batch_id):
    """Issue certificates for a run's completed participants who lack a valid one, counting
    progress on the batch so the organiser's page can show it."""
    batch = CertificateBatch.objects.select_related("run").get(pk=batch_id)
    registrations = (
        Registration.objects.filter(
            run=batch.run, status=RegistrationStatus.CONFIRMED, completed_at__isnull=False
        )
        .select_related("user", "run__course")
        .prefetch_related("run__sessions")
    )
    for registration in registrations:
        if valid_certificate(registration) is None:
            issue(registration)
            CertificateBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
    CertificateBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now(), done=F("total"))
