"""Fixtures for the calendar tests: participants with complete profiles, digital runs with a
meeting link, helpers that read iTIP calendars back from the outbox, that build the Wagtail
run-edit POST from the rendered form, and (for the reliability tests) a real Celery worker
subprocess on Redis DB 11 with a local aiosmtpd server.

Everything goes through the real models, services and views (no mocks of the database); the
clock is controlled by passing ``now=`` to the services.
"""

import email
import itertools
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as dtime
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.models import OSLO, CourseFormat
from organisations.models import Organisation
from organisations.services.memberships import set_employer
from outbox.models import OutgoingMessage
from people.professions import Profession
from tests.factories import UserFactory, make_run

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/11"
MEETING_URL = "https://meet.example.no/j/ips-grunnkurs?pwd=hemmelig"
_people = itertools.count(1)


# --- people and runs -------------------------------------------------------------------------


def make_participant(employer=None, *, first_name="Kari", last_name="Nordmann", language="nb"):
    """A person with a complete profile: name, profession and a current employer."""
    n = next(_people)
    user = UserFactory(
        email=f"kal{n}@example.no",
        first_name=first_name,
        last_name=f"{last_name}{n}",
        profession=Profession.JOB_SPECIALIST,
        preferred_language=language,
    )
    set_employer(user, employer or Organisation.objects.create(name=f"Arbeidsgiver {n}"))
    return user


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
    """Outbox rows in the order they were written."""
    qs = OutgoingMessage.objects.filter(pk__gt=after).order_by("pk")
    if user is not None:
        qs = qs.filter(to=user.email)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs)


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


# --- real worker, Redis and SMTP -------------------------------------------------------------


def redis_client():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPCollector:
    """aiosmtpd handler: answers 451 to the first ``fail_first`` DATA commands, then keeps
    every message."""

    def __init__(self):
        self.messages = []
        self.fail_first = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.messages.append(envelope)
        return "250 OK"

    def count_per_recipient(self):
        counts = {}
        for envelope in self.messages:
            for rcpt in envelope.rcpt_tos:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = SMTPCollector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def broker(url):
    """Point this process's Celery app at ``url`` (tasks really published, not eager)."""
    from tests.conftest import use_broker

    return use_broker(url)


class Worker:
    """A `celery worker` subprocess on Redis DB 11 using the test database and the SMTP
    server; started and stopped by the test."""

    def __init__(self, smtp_port, log_path):
        from django.db import connection

        self.log_path = log_path
        self.process = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_BROKER_URL": REDIS_URL,
            "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
                **connection.settings_dict
            ),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }

    def start(self):
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603 (our own celery binary)
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log.close()


@pytest.fixture
def worker(smtp_server, tmp_path):
    """A stopped worker (call ``.start()``); always killed and Redis DB 11 purged after."""
    client = redis_client()
    client.flushdb()
    port, _handler = smtp_server
    w = Worker(port, tmp_path / "worker.log")
    try:
        with broker(REDIS_URL):
            yield w
    finally:
        w.stop()
        client.flushdb()


def wait_for(predicate, timeout, worker=None, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker is not None and worker.process is not None:
            assert worker.alive(), "worker died:\n" + worker.log()
        time.sleep(interval)
    return predicate()
