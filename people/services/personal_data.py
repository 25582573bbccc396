"""A person's own data: export (GDPR art. 15/20) and account deletion (art. 17).

Invariant for deletion: active registrations are cancelled (seats go to the waitlist), and
everything that identifies the person is removed (name, email, phone, password, email
addresses, linked federated sign-ins, needs, the emails sent to them, open invitations to their
address); what national statistics need stays, detached from the person: profession and
employer memberships.
"""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone
from wagtail import hooks

from organisations.models import Invitation
from outbox.models import MessageStatus, OutgoingMessage

from ..signals import account_deleting


def export_personal_data(user):
    """Everything stored about the person, as JSON-ready data. The apps above add their
    sections (registrations, certificates) through the ``personal_data_export`` hook."""
    memberships = user.memberships.select_related("organisation").order_by("started_at")
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "profession": user.profession,
            "profession_label": str(user.get_profession_display()) if user.profession else "",
            "phone": user.phone,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "sign_in_providers": [
            {
                "provider": a.provider,
                "subject": a.uid,
                "stored_claims": a.extra_data,
                "linked_at": a.date_joined.isoformat(),
            }
            for a in SocialAccount.objects.filter(user=user).order_by("date_joined")
        ],
        "employers": [
            {
                "organisation": m.organisation.name,
                "organisation_number": m.organisation.org_number,
                "role": m.role,
                "started_at": m.started_at.isoformat(),
                "ended_at": m.ended_at.isoformat() if m.ended_at else None,
            }
            for m in memberships
        ],
        "emails_sent_to_you": [
            {
                "subject": m.subject or m.kind,
                "created_at": m.created_at.isoformat(),
                "status": m.status,
            }
            for m in OutgoingMessage.objects.filter(to__iexact=user.email).order_by("created_at")
        ],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "created_at": i.created_at.isoformat(),
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in Invitation.objects.filter(email__iexact=user.email).select_related(
                "organisation"
            )
        ],
    }
    # Sections other apps add (e.g. package certificates), without this app knowing them.
    for section in hooks.get_hooks("personal_data_export"):
        data.update(section(user))
    return data


@transaction.atomic
def delete_account(user):
    """Remove the person's identifying data; keep profession and employer for statistics."""
    original_email = user.email
    # Seats go back to the waitlist, needs are deleted (enrollment listens).
    account_deleting.send(type(user), user=user)
    messages = OutgoingMessage.objects.filter(to__iexact=original_email)
    # Not yet sent (the cancellations just queued included): nobody is left to tell.
    messages.exclude(
        status__in=[MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.SUPERSEDED]
    ).delete()
    messages.update(
        to=f"deleted-{user.pk}@anonymised.invalid",
        subject="",
        body_text="",
        body_html="",
        calendar="",
        params={},
    )
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=original_email, accepted_at__isnull=True).delete()
    user.email = f"deleted-{user.pk}@anonymised.invalid"
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # A new password hash also invalidates every logged-in session of this person.
    user.set_unusable_password()
    user.anonymised_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return user
