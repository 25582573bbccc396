"""Fixtures for the attendance-and-certificates tests: a provider's organiser, participants
with employers, runs with sessions of chosen lengths, and helpers for the HTTP steps, reading
PDFs and Oslo times.

Everything goes through the real views, services and models. PDFs are rendered by WeasyPrint,
which is slow (about 0.3 s each after a first, slower one), so tests issue few certificates;
certificate rows that only need a code are created without rendering.
"""

import io
import itertools
import re
import zlib
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pypdf import PdfReader

from attendance.models import AttendanceRecord, Certificate
from attendance.services.certificates import issue, new_code
from courses.models import OSLO, CourseFormat, CourseSession
from enrollment.models import Registration
from enrollment.services.registration import register
from organisations.models import MembershipRole, Organisation
from tests.factories import make_person, make_run

_people = itertools.count(1)


# --- people ----------------------------------------------------------------------------------


def enrol(run, user):
    """A confirmed registration, added by the organisers (the run may be in the past)."""
    return register(run, user, organiser=True, notify=False)


# --- runs ------------------------------------------------------------------------------------


def make_sessions_run(course, sessions, **fields):
    """A published digital run with the given sessions: [(date, start time, end time)]."""
    (first_day, first_start, first_end), *rest = sessions
    fields.setdefault("format", CourseFormat.DIGITAL)
    fields.setdefault("capacity", 24)
    run = make_run(course, dates=[first_day], start_time=first_start, end_time=first_end, **fields)
    for day, start, end in rest:
        CourseSession.objects.create(run=run, date=day, start_time=start, end_time=end)
    return type(run).objects.get(pk=run.pk)


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def three_sessions(lengths=(4, 4, 2), first_day=None):
    """Three sessions starting at 09:00 on consecutive days, ``lengths`` hours long."""
    first_day = first_day or days_ago(10)
    return [
        (first_day + timedelta(days=i), time(9), time(9 + hours)) for i, hours in enumerate(lengths)
    ]


def session_list(run):
    return run.ordered_sessions()


# --- URLs ------------------------------------------------------------------------------------


def overview_url(run):
    return f"/arrangor/kurs/{run.pk}/"


def register_url(run, session):
    return f"/arrangor/kurs/{run.pk}/okt/{session.pk}/"


def close_url(run):
    return f"/arrangor/kurs/{run.pk}/lukk/"


def override_url(run, registration):
    return f"/arrangor/kurs/{run.pk}/deltaker/{registration.pk}/fullfort/"


def certificate_url(certificate):
    return f"/arrangor/kurs/{certificate.registration.run_id}/kursbevis/{certificate.pk}/"


def revoke_url(certificate):
    return certificate_url(certificate) + "trekk-tilbake/"


def reissue_url(certificate):
    return certificate_url(certificate) + "ny-versjon/"


def zip_url(run):
    return f"/arrangor/kurs/{run.pk}/kursbevis.zip"


def verify_url(code):
    return f"/certificates/verify/{code}/"


def post_register(client, run, session, statuses):
    """POST a session's register: {registration: status or (status, reason)}."""
    data = {}
    for registration, value in statuses.items():
        status, reason = value if isinstance(value, tuple) else (value, "")
        data[f"status-{registration.pk}"] = status
        data[f"reason-{registration.pk}"] = reason
    return client.post(register_url(run, session), data)


# --- reading responses -----------------------------------------------------------------------


def shows(response, msgid, **params):
    """Whether the page shows the (translated) message ``msgid``."""
    text = gettext(msgid)
    if params:
        text = text % params
    content = response.content.decode()
    return escape(text) in content or text in unescape(content)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def statuses_of(session):
    return dict(
        AttendanceRecord.objects.filter(session=session).values_list("registration_id", "status")
    )


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- PDFs ------------------------------------------------------------------------------------


def stored_pdf(certificate):
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def pdf_text(pdf):
    """The PDF's text (pypdf, so no system tool is needed), whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def inflated(pdf):
    """The raw PDF plus every Flate stream inflated (object streams hide the catalogue)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        with suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
    return b"\n".join(parts)


# --- certificates ----------------------------------------------------------------------------


def complete(registration, when=None):
    Registration.objects.filter(pk=registration.pk).update(completed_at=when or timezone.now())
    registration.refresh_from_db()
    return registration


def issue_for(registration):
    """Mark completed and issue a real (rendered) certificate."""
    return issue(complete(registration))


def fake_certificate(registration, *, code=None, **fields):
    """A certificate row with a placeholder file (no rendering), for verification tests."""
    values = {
        "participant_name": registration.user.get_full_name(),
        "course_title": registration.run.course.title,
        "provider_name": "IPS ressurssenter Nord",
        "first_date": date(2026, 3, 2),
        "last_date": date(2026, 3, 4),
        "hours": 10,
        "issued_at": timezone.now(),
        "version": 1,
    }
    values.update(fields)
    certificate = Certificate(registration=registration, code=code or new_code(), **values)
    certificate.pdf.save(f"kursbevis-{certificate.code}.pdf", ContentFile(b"%PDF-1.7 fake"))
    return certificate


# --- the clock (moved with the ``clock`` fixture of tests/conftest.py) -----------------------


def oslo(day, hour, minute=0, second=0):
    return datetime.combine(day, time(hour, minute, second), tzinfo=OSLO)


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _attendance_state():
    mail.outbox = []
    with translation.override("nb"):
        yield


@pytest.fixture
def org_a(db):
    return Organisation.objects.create(name="NAV Grünerløkka")


@pytest.fixture
def org_b(db):
    return Organisation.objects.create(name="Bjørgvin DPS")


@pytest.fixture
def coordinator_a(org_a):
    return make_person(org_a, role=MembershipRole.COORDINATOR, first_name="Kristin")


@pytest.fixture
def coordinator_b(org_b):
    return make_person(org_b, role=MembershipRole.COORDINATOR, first_name="Bjarne")


@pytest.fixture
def past_run(course_a):
    """Three finished sessions of 4, 4 and 2 hours (10 hours in all)."""
    return make_sessions_run(course_a, three_sessions())


@pytest.fixture
def organiser(client, editor_a):
    client.force_login(editor_a)
    return client
