"""Emails about registrations, written to the outbox in the person's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.services import enqueue


def _url(name, *args, language="nb"):
    with translation.override(language):
        return settings.SITE_BASE_URL + reverse(name, args=args)


def registration_email(
    registration, template, calendar="", calendar_method="", attachments=None, **extra
):
    """Queue an email about a registration. A confirmation carries the calendar invitation
    (iTIP REQUEST), a cancellation the matching CANCEL."""
    from calendars.services import cancellation_for, invitation_for

    if template == "confirmed" and not calendar:
        calendar, calendar_method = invitation_for(registration)
    elif template == "cancelled" and not calendar:
        calendar, calendar_method = cancellation_for(registration)
    user = registration.user
    language = user.preferred_language or settings.LANGUAGE_CODE
    run = registration.run
    context = {
        "registration": registration,
        "run": run,
        "user": user,
        "course_url": settings.SITE_BASE_URL + (run.course.url or ""),
        "my_courses_url": _url("my_courses", language=language),
        **extra,
    }
    return enqueue(
        to=user.email,
        template=f"enrollment/email/{template}",
        context=context,
        language=language,
        kind=template,
        registration=registration,
        calendar=calendar,
        calendar_method=calendar_method,
        attachments=attachments,
    )


def offer_email(registration, token):
    language = registration.user.preferred_language or settings.LANGUAGE_CODE
    return registration_email(
        registration,
        "offered",
        offer_url=_url("offer", token, language=language),
    )
