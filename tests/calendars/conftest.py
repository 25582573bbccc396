"""Fixtures for the calendar tests: participants with complete profiles, digital runs with a
meeting link, helpers that read iTIP calendars back from the outbox, and that build the Wagtail
run-edit POST from the rendered form.

Everything goes through the real models, services and views (no mocks of the database); the
clock is controlled by passing ``now=`` to the services.
"""

import email
import itertools
from datetime import datetime, timedelta
from datetime import time as dtime
from email import policy
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import OSLO, CourseFormat
from outbox.models import OutgoingMessage
from tests.factories import make_run
from tests.mail import outbox

MEETING_URL = "https://meet.example.no/j/ips-grunnkurs?pwd=hemmelig"
_people = itertools.count(1)


# --- people and runs -------------------------------------------------------------------------


def make_digital_run(course, *, days_ahead=30, sessions=1, **fields):
    """A published digital run with a meeting link and ``sessions`` days, 09:00–15:30 Oslo."""
    fields.setdefault("format", CourseFormat.DIGITAL)
    fields.setdefault("capacity", 24)
    fields.setdefault("meeting_url", MEETING_URL)
    first = timezone.localdate() + timedelta(days=days_ahead)
    dates = [first + timedelta(days=i) for i in range(sessions)]
    return make_run(course, days_ahead, dates=dates, **fields)


def at_oslo(day, hour, minute=0):
    return datetime.combine(day, dtime(hour, minute), tzinfo=OSLO)


# --- reading calendars back ------------------------------------------------------------------


def parse(text):
    return Calendar.from_ical(text)


def vevents(text):
    return list(parse(text).walk("VEVENT"))


def uid_sequences(text):
    """uid -> SEQUENCE of every VEVENT."""
    return {str(e["UID"]): int(e["SEQUENCE"]) for e in vevents(text)}


def rows(user=None, kind=None, after=0):
    """Outbox rows in the order they were written, rendered as the worker would send them
    now (superseded ones left out)."""
    return outbox(user, kind, after)


def last_pk():
    row = OutgoingMessage.objects.order_by("-pk").first()
    return row.pk if row else 0


def mime(raw):
    """An email.message.EmailMessage from bytes or a Django EmailMessage."""
    if not isinstance(raw, bytes):
        raw = raw.message().as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


def calendar_parts(message):
    """(part, text) of every text/calendar part, inline alternatives and attachments."""
    found = []
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            found.append((part, part.get_payload(decode=True).decode(part.get_content_charset())))
    return found


# --- the Wagtail run-edit form ---------------------------------------------------------------


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's inputs, selects and textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self._select = None
        self._first_option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            elif kind not in ("submit", "button", "range", "file"):
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name and "__prefix__" not in name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.data[self._select] = value
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def edit_form(client, run):
    """The run's edit form as the admin renders it, as POST data."""
    response = client.get(reverse("course_runs:edit", args=[run.pk]))
    assert response.status_code == 200
    parser = _FormFields()
    parser.feed(response.content.decode())
    data = parser.data
    data.pop("csrfmiddlewaretoken", None)
    assert "sessions-TOTAL_FORMS" in data, sorted(data)
    return data


def session_index(data, session):
    for key, value in data.items():
        if key.startswith("sessions-") and key.endswith("-id") and value == str(session.pk):
            return key.split("-")[1]
    raise AssertionError(f"session {session.pk} not in the form")


def post_edit(client, run, data):
    response = client.post(reverse("course_runs:edit", args=[run.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response
