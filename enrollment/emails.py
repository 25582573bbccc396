"""Composing registration emails at delivery (see ``outbox.composers``).

Invariant: an email says what is true when it is sent. The run, its sessions, the waitlist
position and the offer link are read at delivery; an offer email whose offer has already been
answered or has lapsed is not sent.
"""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from courses.models import CourseRun, CourseSession, attach_providers
from organisations.models import Invitation, Organisation
from outbox.composers import Composer, Superseded, memo

from .models import Registration, RegistrationStatus
from .services.waitlist import offer_token, position


def site_url(name, *args, language="nb"):
    def build():
        with translation.override(language):
            return settings.SITE_BASE_URL + reverse(name, args=args)

    return memo(("site_url", name, args, language), build)


def registrations_for(messages):
    """Load the registrations of a batch of messages with what their emails show, in five
    queries, and set ``message.registration`` on each. A batch is mostly one run's people:
    the run (and its course page, a wide row) is loaded once per run, not once per
    registration."""
    ids = {m.registration_id for m in messages if m.registration_id}
    registrations = {
        r.pk: r
        for r in Registration.objects.filter(pk__in=ids).select_related("user", "enrolled_by")
    }
    runs = {
        run.pk: run
        for run in CourseRun.objects.filter(pk__in={r.run_id for r in registrations.values()})
        .select_related("course", "municipality__county")
        .prefetch_related(
            Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
        )
    }
    attach_providers(runs.values())
    for run in runs.values():
        # A page's URL costs a cache lookup: once per run, not per email.
        run.course_url = settings.SITE_BASE_URL + (run.course.url or "")
    for registration in registrations.values():
        registration.run = runs[registration.run_id]
    for message in messages:
        message.registration = registrations.get(message.registration_id)
    return registrations


class RegistrationComposer(Composer):
    """``enrollment/email/*`` about one registration."""

    def prefetch(self, messages):
        registrations_for(messages)

    def context(self, message):
        registration = message.registration
        if registration is None:
            raise Superseded  # the registration is gone (account deleted)
        run = registration.run
        kind = message.template.rsplit("/", 1)[-1]
        context = {
            "registration": registration,
            "run": run,
            "user": registration.user,
            "course_url": run.course_url,
            "my_courses_url": site_url("my_courses", language=message.language),
            **message.params,
        }
        if kind == "offered":
            if registration.status != RegistrationStatus.OFFERED:
                raise Superseded  # answered or lapsed before the email went out
            context["offer_url"] = site_url(
                "offer", offer_token(registration), language=message.language
            )
        if registration.status == RegistrationStatus.WAITLISTED:
            context["position"] = position(registration)
        if "invitation" in message.params:
            token = Invitation.objects.values_list("token", flat=True).get(
                pk=message.params["invitation"]
            )
            context["claim_url"] = site_url("invitation", token, language=message.language)
        return context


class TeamSummaryComposer(Composer):
    """The coordinator's summary after enrolling a team: who got what, as it stands now."""

    def context(self, message):
        params = message.params
        run = (
            CourseRun.objects.select_related("course")
            .prefetch_related("sessions")
            .get(pk=params["run"])
        )
        registrations = list(
            Registration.objects.filter(pk__in=params["registrations"])
            .select_related("user")
            .order_by("pk")
        )
        counts = dict.fromkeys(RegistrationStatus.values, 0)
        for registration in registrations:
            counts[registration.status] += 1
        return {
            "organisation": Organisation.objects.get(pk=params["organisation"]),
            "run": run,
            "registrations": registrations,
            "counts": counts,
            "whole_team_waitlisted": params.get("whole_team_waitlisted", False),
            "course_url": settings.SITE_BASE_URL + (run.course.url or ""),
            "my_courses_url": site_url("my_courses", language=message.language),
        }
