"""Coordinators inviting colleagues.

Invariants: only a current coordinator of an organisation can invite to it; an invitation is
accepted at most once, only before it expires, and only by the person whose verified email it
was sent to; accepting makes the organisation that person's current employer.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import enqueue

from ..models import Invitation, Membership
from .memberships import MembershipError, is_coordinator, set_employer


class InvitationError(Exception):
    """A user-facing reason why an invitation could not be sent or accepted."""


@transaction.atomic
def invite(coordinator, organisation, email):
    if not is_coordinator(coordinator, organisation):
        raise InvitationError(_("Only the organisation's coordinators can invite colleagues."))
    email = email.strip().lower()
    if (
        Membership.objects.current()
        .filter(organisation=organisation, user__email__iexact=email)
        .exists()
    ):
        raise InvitationError(_("%(email)s is already a member.") % {"email": email})
    open_invitations = Invitation.objects.select_for_update().filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    now = timezone.now()
    for existing in open_invitations:
        if existing.expires_at > now:
            raise InvitationError(
                _("%(email)s has already been invited and has not answered yet.") % {"email": email}
            )
        existing.revoked_at = now  # expired: make room for a fresh one
        existing.save(update_fields=["revoked_at"])
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, invited_by=coordinator
    )
    send_invitation_email(invitation)
    return invitation


def send_invitation_email(invitation):
    """Through the outbox, in the same transaction; the language of the coordinator, since
    the invited person's is not known yet. The link is built at delivery
    (``organisations.emails``)."""
    inviter = invitation.invited_by
    enqueue(
        to=invitation.email,
        template="organisations/email/invitation",
        language=getattr(inviter, "preferred_language", "") or settings.LANGUAGE_CODE,
        params={"invitation": invitation.pk},
    )


def find_invitation(token):
    """The invitation for a token, or an InvitationError saying why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.revoked_at:
        raise InvitationError(_("This invitation has been withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask your coordinator to send a new one.")
        )
    return invitation


@transaction.atomic
def accept_invitation(token, user):
    invitation = find_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:  # lost a race with another tab
        raise InvitationError(_("This invitation has already been used."))
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it.")
            % {"email": invitation.email}
        )
    try:
        membership = set_employer(user, invitation.organisation)
    except MembershipError as exc:
        raise InvitationError(str(exc)) from exc
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def accept_open_invitations_for_new_user(user):
    """After a new person verifies their email: accept their newest open invitation, if any,
    so that signing up through an invitation link links the account without another click."""
    if user.current_membership is not None:
        return None
    invitation = (
        Invitation.objects.filter(
            email__iexact=user.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    if invitation is None:
        return None
    return accept_invitation(invitation.token, user)


@transaction.atomic
def withdraw_invitation(coordinator, invitation):
    if not is_coordinator(coordinator, invitation.organisation):
        raise InvitationError(_("Only the organisation's coordinators can withdraw invitations."))
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
