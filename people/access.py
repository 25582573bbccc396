"""The participant's entry guard: every participant view is wrapped in
``participant_required`` and reads only ``request.user``'s own rows.

Invariant: a participant page shows one person's data, the signed-in person's; another
person's registration, certificate or absence id is a 404."""

from django.contrib.auth.decorators import login_required


def participant_required(view):
    """Signed in (allauth's login page otherwise, returning here afterwards)."""
    return login_required(view)
