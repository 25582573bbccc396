"""Fixtures for the participation reports: a small handcrafted dataset whose figures are
computed by hand in ``EXPECTED``, helpers that add rows in bulk (for the query budget), and
readers for the report tables and the CSV/XLSX exports.

Runs, registrations and attendance are created with ``bulk_create``; a run's ``starts_on``
(normally kept by ``courses.signals`` from its sessions) is set directly together with one
session on the same day.
"""

import csv
import io
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation
from openpyxl import load_workbook

from attendance.models import AttendanceRecord, AttendanceStatus
from courses.models import CourseFormat, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationStatus
from organisations.models import MembershipRole, Organisation
from organisations.services.memberships import set_employer
from people.models import User
from people.professions import Profession
from tests.factories import UserFactory, municipality

T = Profession.THERAPIST
J = Profession.JOB_SPECIALIST
L = Profession.LEADER
PRESENT = AttendanceStatus.PRESENT
LATE = AttendanceStatus.LATE
ABSENT = AttendanceStatus.ABSENT
EXCUSED = AttendanceStatus.EXCUSED
CONFIRMED = RegistrationStatus.CONFIRMED
CANCELLED = RegistrationStatus.CANCELLED
WAITLISTED = RegistrationStatus.WAITLISTED

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NATIONAL_URL = "/admin/reports/participation/"
PROVIDER_URL = "/admin/reports/my-runs/"

_emails = itertools.count(1)


# --- building rows in bulk ---------------------------------------------------------------------


def add_runs(course, days, capacity=20):
    """Published runs of ``course``, one session each, starting on ``days``."""
    runs = CourseRun.objects.bulk_create(
        CourseRun(
            course=course,
            status=RunStatus.PUBLISHED,
            format=CourseFormat.DIGITAL,
            capacity=capacity,
            starts_on=day,
        )
        for day in days
    )
    CourseSession.objects.bulk_create(
        CourseSession(run=run, date=day, start_time=time(9), end_time=time(15))
        for run, day in zip(runs, days, strict=True)
    )
    return runs


def add_people(run, spec):
    """Registrations for ``run``: spec is a list of
    (count, profession, employer, status, attendance status or None, completed)."""
    session = run.sessions.first()
    users, regs, marks = [], [], []
    for count, profession, employer, status, mark, completed in spec:
        for _ in range(count):
            n = next(_emails)
            users.append(User(email=f"rapport{n}@example.no", profession=profession))
            regs.append(
                Registration(
                    run=run,
                    status=status,
                    profession=profession,
                    employer=employer,
                    completed_at=timezone.now() if completed else None,
                )
            )
            marks.append(mark)
    users = User.objects.bulk_create(users)
    for user, reg in zip(users, regs, strict=True):
        reg.user = user
    regs = Registration.objects.bulk_create(regs)
    now = timezone.now()
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(registration=reg, session=session, status=mark, recorded_at=now)
        for reg, mark in zip(regs, marks, strict=True)
        if mark
    )
    return regs


# --- the handcrafted dataset ---------------------------------------------------------------------


@dataclass
class Dataset:
    oslo: Organisation
    vest: Organisation
    county_oslo: object
    county_vest: object
    course_a: object
    course_b: object
    provider_a: object
    provider_b: object
    run_a1: CourseRun
    run_a2: CourseRun
    run_b1: CourseRun
    extra: dict = field(default_factory=dict)


@pytest.fixture
def dataset(provider_a, provider_b, course_a, course_b):
    """Three runs (2024 K1 and K2 of course A at provider Nord, 2025 K1 of course B at Vest).

    run_a1 (20 seats): 6 therapists (Oslo) all present, 5 completed; 4 job specialists (Oslo),
        3 present and completed, 1 excused only; 2 cancelled therapists; 1 waitlisted.
    run_a2 (12 seats): 3 therapists (Vest) 2 present + 1 late, 2 completed (one attended but
        not completed); 5 job specialists (Vest) present and completed; 2 leaders (Oslo) absent.
    run_b1 (10 seats): 5 therapists (Vest) 4 present and completed, 1 absent; 5 job
        specialists (Oslo) present and completed.
    """
    county_oslo = municipality("0301").county
    county_vest = municipality("4601").county
    oslo, vest = Organisation.objects.bulk_create(
        [
            Organisation(name="Oslo universitetssykehus", county=county_oslo),
            Organisation(name="Helse Bergen", county=county_vest),
        ]
    )
    (run_a1, run_a2) = add_runs(course_a, [date(2024, 2, 10), date(2024, 5, 15)])
    (run_b1,) = add_runs(course_b, [date(2025, 2, 1)], capacity=10)
    CourseRun.objects.filter(pk=run_a2.pk).update(capacity=12)
    add_people(
        run_a1,
        [
            (5, T, oslo, CONFIRMED, PRESENT, True),
            (1, T, oslo, CONFIRMED, PRESENT, False),
            (3, J, oslo, CONFIRMED, PRESENT, True),
            (1, J, oslo, CONFIRMED, EXCUSED, False),
            (2, T, oslo, CANCELLED, None, False),
            (1, J, oslo, WAITLISTED, None, False),
        ],
    )
    add_people(
        run_a2,
        [
            (2, T, vest, CONFIRMED, PRESENT, True),
            (1, T, vest, CONFIRMED, LATE, False),
            (5, J, vest, CONFIRMED, PRESENT, True),
            (2, L, oslo, CONFIRMED, ABSENT, False),
        ],
    )
    add_people(
        run_b1,
        [
            (4, T, vest, CONFIRMED, PRESENT, True),
            (1, T, vest, CONFIRMED, ABSENT, False),
            (5, J, oslo, CONFIRMED, PRESENT, True),
        ],
    )
    runs = {r.pk: r for r in CourseRun.objects.filter(pk__in=[run_a1.pk, run_a2.pk, run_b1.pk])}
    return Dataset(
        oslo=oslo,
        vest=vest,
        county_oslo=county_oslo,
        county_vest=county_vest,
        course_a=course_a,
        course_b=course_b,
        provider_a=provider_a,
        provider_b=provider_b,
        run_a1=runs[run_a1.pk],
        run_a2=runs[run_a2.pk],
        run_b1=runs[run_b1.pk],
    )


def grow(ds, factor=9):
    """Add ``factor`` times the dataset's registrations on new runs, employers and counties
    (for the query budget)."""
    county_trondelag = municipality("5001").county
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Arbeidsgiver {i}", county=county_trondelag if i % 2 else None)
        for i in range(factor)
    )
    days = [date(2023 + i % 3, 1 + i % 12, 1 + i % 28) for i in range(3 * factor)]
    runs = add_runs(ds.course_a, days[::2]) + add_runs(ds.course_b, days[1::2])
    for i, run in enumerate(runs):
        org = orgs[i % len(orgs)]
        add_people(
            run,
            [
                (4, T, org, CONFIRMED, PRESENT, True),
                (3, J, org, CONFIRMED, EXCUSED, False),
                (2, L, ds.oslo, CONFIRMED, LATE, False),
                (1, T, org, CANCELLED, None, False),
            ],
        )
    return runs


# --- users ---------------------------------------------------------------------------------


@pytest.fixture
def napha(db):
    """NAPHA staff: admin access and the national-report permission, nothing else."""
    group = Group.objects.create(name="NAPHA rapporter")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(
            content_type__app_label="organisations", codename="view_national_reports"
        ),
    )
    return UserFactory(email="napha@example.no", groups=[group])


def make_member(org, role=MembershipRole.MEMBER, profession=J, first_name="Kari", last_name="X"):
    user = UserFactory(
        email=f"medlem{next(_emails)}@example.no",
        first_name=first_name,
        last_name=last_name,
        profession=profession,
    )
    set_employer(user, org, role=role)
    return user


# --- reading pages and exports ---------------------------------------------------------------


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self._cell = None
        self._row = None
        self._caption = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "class": dict(attrs).get("class")})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(response):
    """[{caption, rows}] of the report's tables (class "listing"; Wagtail's own dialogs have
    tables too); rows as lists of cell texts, header row included."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return [t for t in parser.tables if t["class"] == "listing"]


def table(response, index):
    return tables(response)[index]["rows"]


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_rows(response):
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_text(rows):
    """Cells as the page shows them (numbers without trailing .0 for whole numbers)."""
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if cell is None:
                cells.append("")
            else:
                cells.append(str(cell))
        out.append(cells)
    return out


def oslo_midday(day):
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _norwegian():
    with translation.override("nb"):
        yield
