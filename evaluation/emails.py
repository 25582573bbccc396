"""Evaluation emails, composed at delivery (see ``outbox.composers``).

Invariant: an invitation or reminder is not sent once the person has answered or the round has
closed; the link in it is made at delivery from the invitation's nonce.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from outbox.composers import Composer, Superseded

from .models import Invitation
from .services.asking import token


class EvaluationComposer(Composer):
    def prefetch(self, messages):
        invitations = Invitation.objects.select_related(
            "user", "evaluation__run__course", "evaluation__version"
        ).in_bulk({m.params.get("invitation") for m in messages})
        for message in messages:
            message.invitation = invitations.get(message.params.get("invitation"))

    def context(self, message):
        invitation = message.invitation
        if invitation is None or invitation.answered:
            raise Superseded
        evaluation = invitation.evaluation
        if not evaluation.is_open(timezone.now()):
            raise Superseded
        with translation.override(message.language):
            url = settings.SITE_BASE_URL + reverse("evaluation_answer", args=[token(invitation)])
        return {
            "user": invitation.user,
            "run": evaluation.run,
            "evaluation": evaluation,
            "named": evaluation.version.named,
            "answer_url": url,
        }
