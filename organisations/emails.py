"""The invitation email, composed at delivery (see ``outbox.composers``)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.composers import Composer, Superseded

from .models import Invitation


class InvitationComposer(Composer):
    def context(self, message):
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(pk=message.params["invitation"])
            .first()
        )
        if invitation is None:
            raise Superseded
        with translation.override(message.language):
            url = settings.SITE_BASE_URL + reverse("invitation", args=[invitation.token])
        return {"invitation": invitation, "inviter": invitation.invited_by, "url": url}
