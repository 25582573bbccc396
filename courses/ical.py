"""iCalendar output for public feeds.

Every VEVENT carries a stable UID, DTSTART and DTEND with TZID Europe/Oslo, and the calendar
carries a VTIMEZONE written with RRULE rules. icalendar's ``add_missing_timezones`` writes RDATE
lists instead, which vobject and ical.js misread (summer events end up an hour off), so the
VTIMEZONE is built here from the EU rule that Norway has followed since 1996.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

TZID = "Europe/Oslo"
PRODID = "-//ipskurs//IPS-kurs//NB"


def oslo_vtimezone():
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)

    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    tz.add_component(summer)

    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    tz.add_component(winter)
    return tz


def new_calendar(name=None, method=None):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    cal.add_component(oslo_vtimezone())
    return cal


def _local(dt):
    """A naive local time with TZID=Europe/Oslo (icalendar writes TZID from the zoneinfo key)."""
    return dt.astimezone(timezone.get_default_timezone())


def session_uid(session):
    host = settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]
    return f"ipskurs-session-{session.pk}@{host}"


def public_run_events(run, provider=None):
    """One VEVENT per session of a run, without any meeting link."""
    base = settings.SITE_BASE_URL
    course_url = base + run.course.url if run.course.url else base
    sessions = run.ordered_sessions()
    stamp = run.updated_at or timezone.now()
    for number, session in enumerate(sessions, start=1):
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", _local(session.starts_at))
        event.add("dtend", _local(session.ends_at))
        summary = run.display_title
        if len(sessions) > 1:
            summary = f"{summary} ({number}/{len(sessions)})"
        event.add("summary", summary)
        if run.is_digital:
            event.add("location", _("Digital"))
        else:
            # The address already ends with the town; use the municipality only without one.
            town = "" if run.venue_address else str(run.municipality or "")
            place = ", ".join(part for part in (run.venue_name, run.venue_address, town) if part)
            if place:
                event.add("location", place)
        description = run.course.summary
        if provider is not None:
            description = f"{provider.title}\n\n{description}"
        event.add("description", f"{description}\n\n{course_url}")
        event.add("url", course_url)
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        yield event


def runs_calendar(runs, name):
    cal = new_calendar(name=name)
    for run in runs:
        for event in public_run_events(run, getattr(run, "provider", None)):
            cal.add_component(event)
    return cal.to_ical()


def ics_response(body, filename):
    """An inline .ics answer (public feeds may be cached by clients and proxies)."""
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response
