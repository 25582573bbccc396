"""iTIP (RFC 5546) messages for one participant and one session: REQUEST to create or update,
CANCEL to remove. One VEVENT per message, because Outlook 2007-2019 reads only the first
VEVENT of an emailed iTIP message ([MS-STANOICAL] 2.2.175). Every event has a stable UID per
registration and session, a SEQUENCE that only rises, DTSTAMP, DTSTART and DTEND with TZID
Europe/Oslo (whose VTIMEZONE uses RRULE rules), ORGANIZER and ATTENDEE. See docs/calendar.md
for how calendar programs treat these messages."""

import functools
from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress, vText

from courses.ical import new_calendar

REQUEST, CANCEL = "REQUEST", "CANCEL"


def organizer_address():
    return getattr(settings, "CALENDAR_ORGANIZER_EMAIL", "kalender-svar@ipskurs.no")


def location_for(run):
    """The meeting link for digital runs (participants only), else the address."""
    if run.is_digital:
        return run.meeting_url or _("Digital")
    parts = [run.venue_name, run.venue_address]
    if run.format == "hybrid" and run.meeting_url:
        parts.append(run.meeting_url)
    return ", ".join(p for p in parts if p)


def summary_for(run):
    """The event title. No "(2/3)": adding or removing a day would renumber, and so update,
    every other day in people's calendars."""
    return run.display_title


def session_label(run, entry):
    """ "Day 2 of 3" for an entry whose session still exists, else ""."""
    sessions = run.ordered_sessions()
    ids = [s.pk for s in sessions]
    if len(ids) < 2 or entry.session_id not in ids:
        return ""
    return _("Day %(n)d of %(count)d") % {"n": ids.index(entry.session_id) + 1, "count": len(ids)}


def _event(entry, registration, method, provider_name, now):
    run = registration.run
    user = registration.user
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", timezone.localtime(entry.starts_at))
    event.add("dtend", timezone.localtime(entry.ends_at))
    event.add("summary", entry.summary)
    if entry.location:
        event.add("location", entry.location)
    base = settings.SITE_BASE_URL
    lines = [f"{provider_name}: {run.course.title}"]
    if label := session_label(run, entry):
        lines.append(label)
    # Labels outside the f-strings: xgettext cannot find a msgid inside one.
    course_page, my_courses = _("Course page"), _("My courses")
    course_url = getattr(run, "course_url", None) or f"{base}{run.course.url or ''}"
    lines += [
        f"{course_page}: {course_url}",
        f"{my_courses}: {base}{reverse('my_courses')}",
    ]
    event.add("description", "\n".join(lines))
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = vText(provider_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


@functools.cache
def _frame(method):
    """The calendar around the event (properties and VTIMEZONE), serialised once per method:
    (text before the VEVENT, text after it)."""
    text = new_calendar(method=method).to_ical().decode("utf-8")
    end = "END:VCALENDAR\r\n"
    return text.removesuffix(end), end


def build(registration, entry, method, provider_name, now=None):
    """An iCalendar text with one VEVENT, in the participant's language."""
    now = now or timezone.now()
    language = registration.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        event = _event(entry, registration, method, provider_name, now).to_ical().decode("utf-8")
    head, tail = _frame(method)
    return head + event + tail
