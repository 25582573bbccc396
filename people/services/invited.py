"""People enrolled by a coordinator before they have an account.

Invariant: such a person gets a real account at once (so their registration follows every
rule: profession, employer, seats), but with no usable password; they claim it through the
single-use invitation link, which proves they own the address, then complete their profile.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from organisations.models import Invitation
from organisations.services.memberships import set_employer


def split_name(name):
    parts = (name or "").strip().split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]) if len(parts) > 1 else parts[0], parts[-1] if len(parts) > 1 else ""


@transaction.atomic
def create_invited_person(*, email, name, profession, organisation, invited_by):
    """Create the account and membership for someone a coordinator enrols, and the
    invitation whose link lets them claim it. Returns (user, invitation)."""
    first, last = split_name(name)
    user = get_user_model().objects.create_user(
        email=email, first_name=first, last_name=last, profession=profession
    )  # create_user with password None sets an unusable password
    set_employer(user, organisation)
    invitation = Invitation.objects.create(
        organisation=organisation, email=user.email, invited_by=invited_by
    )
    return user, invitation


def is_unclaimed(user):
    """An account created for someone who has not yet set a password or logged in."""
    return not user.has_usable_password() and user.last_login is None and user.is_active
