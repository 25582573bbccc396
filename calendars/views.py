"""Calendar subscriptions: a person's own confirmed sessions, and an organiser's runs.

The URL's secret token is the only key (calendar programs cannot log in); it can be rotated
on the profile page, which makes old links stop working at once.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from icalendar import Event

from common.http import conditional
from courses.ical import ics_response, new_calendar, public_run_events
from courses.models import CourseSession, RunStatus, attach_providers
from courses.permissions import taught_runs
from enrollment.models import Registration, RegistrationStatus
from people.access import participant_required
from people.models import new_calendar_token

from .itip import location_for, summary_for

SESSIONS = Prefetch("run__sessions", queryset=CourseSession.objects.order_by("date", "start_time"))


def _user_for_token(token):
    return get_object_or_404(get_user_model(), calendar_token=token, is_active=True)


@require_safe
def personal_feed(request, token):
    """The person's confirmed sessions, with meeting links (this feed is theirs alone)."""
    user = _user_for_token(token)
    since = timezone.localdate() - timezone.timedelta(days=90)
    registrations = (
        Registration.objects.filter(
            user=user, status=RegistrationStatus.CONFIRMED, run__sessions__date__gte=since
        )
        .distinct()
        .select_related("run__course")
        .prefetch_related(SESSIONS)
    )
    cal = new_calendar(name=_("My IPS courses"))
    base = settings.SITE_BASE_URL
    for registration in registrations:
        run = registration.run
        for session in run.ordered_sessions():
            event = Event()
            event.add("uid", f"ipskurs-feed-reg{registration.pk}-s{session.pk}@ipskurs")
            event.add("dtstamp", run.updated_at)
            event.add("dtstart", session.starts_at)
            event.add("dtend", session.ends_at)
            event.add("summary", summary_for(run))
            event.add("location", location_for(run))
            event.add("description", f"{base}{run.course.url or ''}\n{base}{reverse('my_courses')}")
            event.add("status", "CONFIRMED")
            cal.add_component(event)
    response = ics_response(cal.to_ical(), "mine-kurs.ics")
    return conditional(request, response, public=False, max_age=300)


@require_safe
def organiser_feed(request, token):
    """Upcoming runs the person organises (may edit) or teaches, drafts included and marked."""
    user = _user_for_token(token)
    runs = attach_providers(
        taught_runs(user)
        .exclude(status=RunStatus.CANCELLED)
        .upcoming()
        .select_related("course", "municipality__county")
        .prefetch_related("sessions")
        .order_by("first_date")
    )
    cal = new_calendar(name=_("IPS courses I organise"))
    draft = _("Draft")
    for run in runs:
        for event in public_run_events(run, run.provider):
            if run.status == RunStatus.DRAFT:
                event["summary"] = f"[{draft}] {event['summary']}"
                event["status"] = "TENTATIVE"
            cal.add_component(event)
    response = ics_response(cal.to_ical(), "kurs-jeg-arrangerer.ics")
    return conditional(request, response, public=False, max_age=300)


@require_POST
@participant_required
def rotate_token(request):
    user = request.user
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    messages.success(request, _("Your calendar link has been renewed. Old links no longer work."))
    return redirect("profile")
