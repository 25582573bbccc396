"""Emails about registrations: only the intent is written here, inside the caller's
transaction; ``enrollment.emails`` builds the text at delivery from the current state."""

from django.conf import settings

from outbox.services import enqueue


def email_participant(registration, template, **params):
    """Queue ``template`` (a template path) to the registration's participant, in their
    language. ``params`` are small JSON facts the text needs beyond the registration itself."""
    user = registration.user
    return enqueue(
        to=user.email,
        template=template,
        language=user.preferred_language or settings.LANGUAGE_CODE,
        registration=registration,
        params=params,
    )


def registration_email(registration, template, **params):
    """Queue ``enrollment/email/<template>`` to the registration's participant."""
    return email_participant(registration, f"enrollment/email/{template}", **params)
