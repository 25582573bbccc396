"""What people tells the apps above it, and what it does on allauth's signals."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import Signal, receiver

from organisations.services.invitations import accept_open_invitations_for_new_user

from .services import federation

# The person saved a complete profile (name, profession, employer). Receivers may act on what
# waited for it and return what they did (enrollment confirms seats a coordinator held).
profile_completed = Signal()  # sender=User, user=<user>

# An account is about to be anonymised, inside the deleting transaction. Receivers release and
# scrub what they hold for the person (enrollment frees seats and deletes needs).
account_deleting = Signal()  # sender=User, user=<user>


@receiver(user_logged_in)
def remember_federated_sign_in(request, user, sociallogin=None, **kwargs):
    """Remember the provider a session began at, so signing out can end that session too."""
    federation.remember_sign_in(request, user, sociallogin)


@receiver(email_confirmed)
def link_invited_account(request, email_address, **kwargs):
    """Signing up through an invitation link: once the invited address is verified, the
    person becomes a member of the inviting organisation."""
    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        accept_open_invitations_for_new_user(user)
