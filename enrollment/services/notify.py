"""Emails about registrations, written to the outbox in the person's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.services import enqueue


def _url(name, *args, language="nb"):
    with translation.override(language):
        return settings.SITE_BASE_URL + reverse(name, args=args)


def registration_email(registration, template, **extra):
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
    )


def offer_email(registration, token):
    language = registration.user.preferred_language or settings.LANGUAGE_CODE
    return registration_email(
        registration,
        "offered",
        offer_url=_url("offer", token, language=language),
    )
