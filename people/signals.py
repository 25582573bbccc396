from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def link_invited_account(request, email_address, **kwargs):
    """Signing up through an invitation link: once the invited address is verified, the
    person becomes a member of the inviting organisation."""
    from organisations.services.invitations import accept_open_invitations_for_new_user

    user = email_address.user
    if email_address.email.lower() == user.email.lower():
        accept_open_invitations_for_new_user(user)
