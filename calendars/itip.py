"""iTIP (RFC 5546) calendars for one participant: REQUEST to create or update, CANCEL to
remove. Every event has a stable UID per registration and session, a SEQUENCE that only rises,
DTSTAMP, DTSTART and DTEND with TZID Europe/Oslo (whose VTIMEZONE uses RRULE rules), ORGANIZER
and ATTENDEE. See docs/calendar.md for how calendar programs treat these messages."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress, vText

from courses.ical import new_calendar


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


def summary_for(run, session_index, session_count):
    title = run.display_title
    return f"{title} ({session_index}/{session_count})" if session_count > 1 else title


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
    from django.urls import reverse

    event.add(
        "description",
        "\n".join(
            [
                f"{provider_name}: {run.course.title}",
                f"{_('Course page')}: {base}{run.course.url or ''}",
                f"{_('My courses')}: {base}{reverse('my_courses')}",
            ]
        ),
    )
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = vText(provider_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    cancelled = method == "CANCEL"
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build(registration, entries, method, provider_name, now=None):
    """An iCalendar text with one VEVENT per entry, in the participant's language."""
    now = now or timezone.now()
    language = registration.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        cal = new_calendar(method=method)
        for entry in entries:
            cal.add_component(_event(entry, registration, method, provider_name, now))
    return cal.to_ical().decode("utf-8")
