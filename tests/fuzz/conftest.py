"""Fuzzing the site through Django's test client with Hypothesis: hostile text, bytes, numbers
and files in every public, participant and coordinator form, in the query parameters of the
catalogue, the API, the feeds and the reports, and in uploads.

Every request must answer below 500; a request that is refused (4xx, or a form shown again
with errors) must leave the database as it was. Examples are bounded (``EXAMPLES``) so the
suite runs in CI; ``Fuzz.requests`` counts what was sent.
"""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from attendance.models import AttendanceRecord, Certificate
from enrollment.models import Registration
from organisations.models import Invitation, Membership, MembershipRole, Organisation
from outbox.models import OutgoingMessage
from people.models import User
from tests.factories import make_person, make_run


# One place for the budget: (max_examples) per test; the suite sends at least 1,500 requests.
def fuzz_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


HOSTILE = [
    "\x00",
    "a\x00b",
    "'",
    '"',
    "';--",
    '" OR "1"="1',
    "\\",
    "%",
    "%00",
    "_",
    "*",
    "(",
    "NEAR(",
    "-",
    "^",
    '=HYPERLINK("http://x")',
    "@SUM(1)",
    "+1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "9" * 40,
    "-1",
    "0",
    "1e309",
    "NaN",
    "²",
    "٣٤",
    "2026-13",
    "0000-01",
    "\u202e",
    "\ufeff",
    "😀" * 50,
    "a" * 3000,
    " ",
    "",
]

# Any text but lone surrogates (which no client can even send as UTF-8).
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
SMALL_TEXT = st.one_of(
    st.sampled_from(HOSTILE[:-3]), st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
)


def params(*names):
    """A query dict with some of ``names`` set to hostile values."""
    return st.dictionaries(st.sampled_from(names), TEXT, max_size=len(names))


def path_segment():
    return SMALL_TEXT.filter(lambda s: s not in ("", ".", "..")).map(lambda s: quote(s, safe=""))


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


FILES = st.one_of(
    st.binary(max_size=4096),
    st.sampled_from(
        [
            b"",
            b"PK\x03\x04" + b"\x00" * 100,
            _zip([("xl/workbook.xml", b"<workbook/>")]),
            _zip([("xl/worksheets/sheet1.xml", b"<row>" * 300_000)]),  # compresses ~1000:1
            b'name,email,profession\r\n"' + b"x" * 200_000 + b'",a@b.no,other\r\n',
            "navn;e-post;yrke\r\nÆ;æ@example.no;Annet\r\n".encode("latin-1"),
            b"name,email,profession\r\n" + b"a\x00b,c@d.no,other\r\n",
        ]
    ),
    TEXT.map(lambda t: t.encode("utf-8")),
)
FILE_NAMES = st.sampled_from(
    ["kolleger.csv", "kolleger.xlsx", "x", "", "a\x00b.csv", "../../x.xlsx", "ø" * 300]
)


def snapshot():
    """What a refused request must leave unchanged."""
    return (
        User.objects.count(),
        Registration.objects.count(),
        OutgoingMessage.objects.count(),
        Membership.objects.count(),
        Organisation.objects.count(),
        Invitation.objects.count(),
        AttendanceRecord.objects.count(),
        Certificate.objects.count(),
        tuple(User.objects.order_by("pk").values_list("first_name", "last_name", "phone")),
    )


class Fuzz:
    """Sends requests and checks each answer; counts them across the suite."""

    requests = 0

    def __init__(self, client):
        self.client = client

    def send(self, method, url, data=None, *, refused_if_200=False, **extra):
        before = snapshot()
        if method == "get":
            response = self.client.get(url, data or {}, **extra)
        else:
            response = self.client.post(url, data or {}, **extra)
        Fuzz.requests += 1
        assert response.status_code < 500, (method, url, data, response.status_code)
        refused = response.status_code >= 400 or (refused_if_200 and response.status_code == 200)
        if refused:
            assert snapshot() == before, (method, url, data, response.status_code)
        return response


@pytest.fixture
def world(site, course_a, catalogue):
    """A published run, an employer with a coordinator and a member, a participant."""
    run = make_run(course_a, 30, capacity=5)
    org = Organisation.objects.create(name="NAV Fuzz")
    coordinator = make_person(org, role=MembershipRole.COORDINATOR, email="koord@example.no")
    member = make_person(org, email="medlem@example.no")
    participant = make_person(org, email="deltaker@example.no")
    return {
        "run": run,
        "org": org,
        "coordinator": coordinator,
        "member": member,
        "participant": participant,
        "course": course_a,
    }


@pytest.fixture
def anonymous(world):
    return Fuzz(Client())


@pytest.fixture
def participant(world):
    client = Client()
    client.force_login(world["participant"])
    return Fuzz(client)


@pytest.fixture
def coordinator(world):
    client = Client()
    client.force_login(world["coordinator"])
    return Fuzz(client)


@pytest.fixture
def admin(world, superuser):
    client = Client()
    client.force_login(superuser)
    return Fuzz(client)
