"""The participant's own pages that gather several apps: *Mine kurs*. Every view acts on
``request.user`` only (``participant_required``), so nobody reaches another person's data."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone, translation
from wagtail import hooks

from attendance.models import Certificate
from courses.models import CourseSession
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import can_cancel
from enrollment.services.waitlist import position, refresh_run
from people.access import participant_required
from teaching.models import RunMessage
from teaching.services.materials import visible_materials


@participant_required
def my_courses(request):
    # An offer that expired while nobody looked is applied now, and its seat passed on.
    for run_id in (
        Registration.objects.filter(
            user=request.user,
            status=RegistrationStatus.OFFERED,
            offer_expires_at__lte=timezone.now(),
        )
        .values_list("run_id", flat=True)
        .distinct()
    ):
        refresh_run(run_id)
    registrations = list(
        Registration.objects.filter(user=request.user)
        .select_related("run__course", "run__municipality", "enrolled_by")
        .prefetch_related(
            Prefetch("run__sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
        )
        .prefetch_related(
            Prefetch(
                "certificates",
                queryset=Certificate.objects.filter(
                    revoked_at__isnull=True, superseded_by__isnull=True
                ),
                to_attr="valid_certificates",
            ),
            "attendance",
            Prefetch("run_messages", queryset=RunMessage.objects.order_by("-sent_at", "-pk")),
        )
        .order_by("-created_at")
    )
    language = translation.get_language()
    now = timezone.now()
    today = timezone.localdate()
    materials = visible_materials(registrations, now)
    groups = {"offered": [], "upcoming": [], "waitlisted": [], "past": [], "ended": []}
    for reg in registrations:
        sessions = reg.run.ordered_sessions()
        finished = bool(sessions) and sessions[-1].date < today
        reg.can_cancel = can_cancel(reg)
        reported = {a.session_id: a for a in reg.attendance.all()}
        reg.session_rows = [(s, reported.get(s.pk)) for s in sessions]
        reg.meeting_rows = (
            [(s, s.released_meeting_url(now)) for s in sessions if s.meeting_url]
            if reg.status == RegistrationStatus.CONFIRMED and not finished
            else []
        )
        reg.materials = materials.get(reg.pk, [])
        reg.messages_shown = [(m.sent_at, *m.in_language(language)) for m in reg.run_messages.all()]
        if reg.status == RegistrationStatus.OFFERED:
            groups["offered"].append(reg)
        elif reg.status == RegistrationStatus.WAITLISTED:
            reg.position = position(reg)
            groups["waitlisted"].append(reg)
        elif reg.status == RegistrationStatus.CONFIRMED:
            groups["past" if finished else "upcoming"].append(reg)
        else:
            groups["ended"].append(reg)
    # Sections other apps add (e.g. training-package progress), without this app knowing them.
    panels = [panel(request) for panel in hooks.get_hooks("my_courses_panels")]
    return render(request, "enrollment/my_courses.html", {"groups": groups, "panels": panels})
