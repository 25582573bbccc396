from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from .services import federation


@receiver(user_logged_in)
def remember_federated_sign_in(request, user, sociallogin=None, **kwargs):
    """Remember the provider a session began at, so signing out can end that session too."""
    federation.remember_sign_in(request, user, sociallogin)


@receiver(email_confirmed)
def link_invited_account(request, email_address, **kwargs):
    """Signing up through an invitation link: once the invited address is verified, the
    person becomes a member of the inviting organisation."""
    from organisations.services.invitations import accept_open_invitations_for_new_user

    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        accept_open_invitations_for_new_user(user)
