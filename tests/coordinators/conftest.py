"""Fixtures for coordinators enrolling their staff: two employers (A and B), their
coordinators and members, runs of a live course, and helpers for the HTTP steps (choose
colleagues or upload a file, read the preview, apply it) and for reading the outbox.

Everything goes through the real views, services and models; emails are written to the outbox
table and, once the transaction commits (``capture`` runs the on-commit callbacks), delivered
to ``django.core.mail.outbox`` by the eager Celery task.
"""

import csv
import io
import itertools
import re
import zipfile
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import Workbook

from courses.models import CourseFormat
from enrollment.models import Registration
from organisations.models import Membership, MembershipRole, Organisation
from outbox.models import OutgoingMessage
from tests.factories import make_person, make_run

_people = itertools.count(1)

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locks; run with DATABASE_URL=postgres://…",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_members(org, count, **fields):
    return [make_person(org, **fields) for _ in range(count)]


def make_course_run(course, *, capacity=3, days_ahead=30, **fields):
    fields.setdefault("format", CourseFormat.DIGITAL)
    return make_run(course, days_ahead, capacity=capacity, **fields)


# --- HTTP steps ------------------------------------------------------------------------------


def enrol_url(run):
    return f"/kurs/pamelding/{run.pk}/kolleger/"


def upload_url(run):
    return f"/kurs/pamelding/{run.pk}/kolleger/fil/"


def overview_url(org):
    return f"/organisasjon/{org.pk}/pameldinger/"


def choose(client, run, members=(), newcomers="", **extra):
    """POST the 'enrol colleagues' form; returns the response (a redirect to the preview)."""
    data = {"members": [str(getattr(m, "pk", m)) for m in members], "newcomers": newcomers}
    data.update(extra)
    return client.post(enrol_url(run), data)


def upload(client, run, content, name="kolleger.csv", content_type="text/csv", **extra):
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type)}
    data.update(extra)
    return client.post(upload_url(run), data)


def plan_path(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert re.fullmatch(r"/kurs/pamelding/\d+/kolleger/[0-9a-f]{32}/", response.url), response.url
    return response.url


# --- files -----------------------------------------------------------------------------------


def csv_bytes(rows, *, delimiter=",", bom=False, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, text_cells=False):
    """An XLSX workbook with ``rows`` on the first sheet. ``text_cells`` stores values that
    start with '=' as text (as Excel does for a cell typed with a leading apostrophe)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if text_cells:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading pages and mail ------------------------------------------------------------------


def text_of(response):
    return unescape(response.content.decode())


def shows(response, msgid, **params):
    """Whether the page shows the (translated) message ``msgid``."""
    text = gettext(msgid)
    if params:
        text = text % params
    content = response.content.decode()
    return escape(text) in content or text in unescape(content)


def messages_to(person, kind=None):
    email = getattr(person, "email", person)
    rows = OutgoingMessage.objects.filter(to=email).order_by("created_at", "pk")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows)


def sent_to(person):
    email = getattr(person, "email", person)
    return [m for m in mail.outbox if email in m.to]


def counts():
    """What a refused action must leave unchanged."""
    return (
        Registration.objects.count(),
        get_user_model().objects.count(),
        OutgoingMessage.objects.count(),
        Membership.objects.count(),
    )


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _coordinator_state():
    """Norwegian (the site's default language) and an empty mail outbox for every test."""
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
    return make_person(
        org_a,
        role=MembershipRole.COORDINATOR,
        first_name="Kristin",
        last_name="Koord",
        email="koordinator.a@example.no",
    )


@pytest.fixture
def coordinator_b(org_b):
    return make_person(
        org_b,
        role=MembershipRole.COORDINATOR,
        first_name="Bjarne",
        last_name="Berg",
        email="koordinator.b@example.no",
    )


@pytest.fixture
def member_b(org_b):
    return make_person(org_b, first_name="Berit", last_name="Vest", email="berit.vest@example.no")


@pytest.fixture
def run_factory(course_a):
    def factory(**fields):
        return make_course_run(course_a, **fields)

    return factory


@pytest.fixture
def coord_client(client, coordinator_a):
    client.force_login(coordinator_a)
    return client


def rewrite_xlsx(data, replace):
    """A copy of the XLSX ``data`` with parts replaced: ``replace`` maps a part name to new
    bytes (or to None to drop the part)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    target.writestr(info.filename, replace[info.filename])
            else:
                target.writestr(info.filename, source.read(info.filename))
    return buffer.getvalue()


def xlsx_bomb(unpacked_bytes):
    """A small XLSX whose sheet unpacks to ``unpacked_bytes`` of rows (a zip bomb)."""
    base = xlsx_bytes([["navn", "e-post", "yrke"]])
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    body = row * ((unpacked_bytes - len(head) - len(tail)) // len(row))
    return rewrite_xlsx(base, {"xl/worksheets/sheet1.xml": head + body + tail})
