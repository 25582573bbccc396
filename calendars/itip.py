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

from courses.ical import TZID, new_calendar
from outbox.composers import memo

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


def _text(value):
    """An iCalendar TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _param(value):
    """A parameter value: RFC 6868 escapes, quoted when it holds a delimiter."""
    value = value.replace("^", "^^").replace("\r\n", "^n").replace("\n", "^n")
    value = value.replace('"', "^'")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def _fold(line):
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character
    nor right after an escape character (some clients mis-read that)."""
    if len(line) < 75 and (line.isascii() or len(line.encode()) < 75):
        return line + "\r\n"
    lines, current, size = [], [], 0
    for char in line:
        width = 1 if char < "\x80" else len(char.encode())
        if current and size + width >= 75:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                lines.append("".join(current))
                current, size = [carried], 1
            else:
                lines.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    lines.append("".join(current))
    return "\r\n ".join(lines) + "\r\n"


def _description(run, entry, provider_name):
    """The DESCRIPTION line, folded: the same for every participant's entry of one session."""
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
    return _fold(f"DESCRIPTION:{_text(chr(10).join(lines))}")


@functools.lru_cache(maxsize=1024)
def _line(name, value):
    """A property with a TEXT value, folded (summaries and places repeat within a run)."""
    return _fold(f"{name}:{_text(value)}")


@functools.lru_cache(maxsize=1024)
def _times(starts_at, ends_at, zone):
    local = [
        timezone.localtime(moment, zone).strftime("%Y%m%dT%H%M%S")
        for moment in (starts_at, ends_at)
    ]
    return _fold(f"DTSTART;TZID={TZID}:{local[0]}") + _fold(f"DTEND;TZID={TZID}:{local[1]}")


def _event(entry, registration, method, provider_name, now):
    """The VEVENT's text, written directly: icalendar's serialiser cost more per invitation
    than the email around it. Parsed back by icalendar and vobject in the tests. Within an
    outbox batch, the description (run, session, language) is written once per session."""
    run = registration.run
    user = registration.user
    description = memo(
        (
            "itip-description",
            run.pk,
            entry.session_id,
            provider_name,
            getattr(run, "course_url", None),
            translation.get_language(),
        ),
        lambda: _description(run, entry, provider_name),
    )
    attendee = _param(user.get_full_name() or user.email)
    return "".join(
        [  # the properties in the order icalendar writes them
            "BEGIN:VEVENT\r\n",
            _line("SUMMARY", entry.summary),
            _times(entry.starts_at, entry.ends_at, timezone.get_default_timezone()),
            f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}\r\n",
            _fold(f"UID:{entry.uid}"),
            f"SEQUENCE:{entry.sequence}\r\n",
            _fold(
                f"ATTENDEE;CN={attendee};PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE"
                f":mailto:{user.email}"
            ),
            description,
            _line("LOCATION", entry.location) if entry.location else "",
            _organizer(provider_name, organizer_address()),
            f"STATUS:{'CANCELLED' if method == CANCEL else 'CONFIRMED'}\r\n",
            "TRANSP:OPAQUE\r\n",
            "END:VEVENT\r\n",
        ]
    )


@functools.lru_cache(maxsize=256)
def _organizer(provider_name, address):
    return _fold(f"ORGANIZER;CN={_param(provider_name)}:mailto:{address}")


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
        event = _event(entry, registration, method, provider_name, now)
    head, tail = _frame(method)
    return head + event + tail
