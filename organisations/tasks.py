from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=8)
def send_invitation_email(invitation_id):
    """Email an invitation link. The registration issue moves mail onto the outbox."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "url": settings.SITE_BASE_URL + reverse("invitation", args=[invitation.token]),
            "inviter": invitation.invited_by,
        }
        subject = render_to_string("organisations/email/invitation_subject.txt", context).strip()
        body = render_to_string("organisations/email/invitation.txt", context)
    EmailMultiAlternatives(subject, body, to=[invitation.email]).send()
