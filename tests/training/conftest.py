"""Fixtures for training packages and readiness: three resource centres with basic courses
(any one of them will do), a therapists' course, a leaders' course and network gatherings; an
IPS package over them; grant recipients in Troms, Nordland and Vestland; and helpers that give a
person a completed course, a booking or a waitlist place.

Past runs and completions are made directly (a finished course is history here, not what is
under test); bookings go through ``register`` so seats are counted as in production.
"""

import itertools
import re
from datetime import date, time, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from cms.groups import ensure_editors_group
from courses.models import CourseFormat, CourseRun, CourseSession, ReservedSeats, RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import register
from organisations.models import Grant, MembershipRole, Organisation, OrganisationKind, Programme
from organisations.services.memberships import set_employer
from people.models import ProfessionOption
from people.professions import Profession
from tests.factories import UserFactory, make_course, make_provider, make_run, municipality
from training.models import PackageStep, PackageVersion, ResourceCentreRegion, TrainingPackage

JS = Profession.JOB_SPECIALIST
TH = Profession.THERAPIST
SU = Profession.SUPERVISOR
LE = Profession.LEADER
PEER = Profession.PEER_WORKER
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_people = itertools.count(1)


@pytest.fixture(autouse=True)
def _norwegian():
    mail.outbox = []
    with translation.override("nb"):
        yield


# --- courses and the package -------------------------------------------------------------------


@pytest.fixture
def courses(home):
    nord = make_provider(home, "IPS ressurssenter Nord", "nord", short_name="Nord")
    vest = make_provider(home, "IPS ressurssenter Vest", "vest", short_name="Vest")
    napha = make_provider(home, "NAPHA", "napha", short_name="NAPHA", is_national=True)
    audience = [JS, TH, SU]
    return {
        "basic_nord": make_course(nord, "Grunnkurs i IPS", "grunnkurs-nord", audience=audience),
        "basic_vest": make_course(
            vest, "Grunnkurs i IPS – Vest", "grunnkurs-vest", audience=audience
        ),
        "therapists": make_course(nord, "IPS for behandlere", "behandlere", audience=[TH]),
        "leaders": make_course(vest, "IPS for ledere", "ledere", audience=[LE]),
        "network": make_course(napha, "Nettverkssamling", "nettverk"),
        "supervision": make_course(nord, "Metodeveiledning", "metodeveiledning", audience=[SU]),
    }


def add_version(package, valid_from, steps, *, everyone=False, note=""):
    """steps: [(title, [courses], [professions], recommended)]."""
    version = PackageVersion(
        package=package, valid_from=valid_from, applies_to_everyone=everyone, change_note=note
    )
    version.save()
    options = {o.code: o for o in ProfessionOption.objects.all()}
    for order, (title, step_courses, professions, recommended) in enumerate(steps):
        step = PackageStep(version=version, title=title, recommended=recommended, sort_order=order)
        step.save()
        step.courses.set(step_courses)
        step.professions.set([options[p] for p in professions])
        step.save()
    return version


def ips_steps(c):
    return [
        ("Grunnkurs", [c["basic_nord"], c["basic_vest"]], [JS, TH, SU], False),
        ("Behandlerkurs", [c["therapists"]], [TH], False),
        ("Lederkurs", [c["leaders"]], [LE], False),
        ("Nettverkssamling", [c["network"]], [], True),
    ]


V1_START = date(2020, 1, 1)


@pytest.fixture
def package(courses):
    package = TrainingPackage.objects.create(programme=Programme.IPS, title="Opplæringspakke IPS")
    add_version(package, V1_START, ips_steps(courses))
    return package


# --- organisations and people ------------------------------------------------------------------


def make_org(name, number, *, programme=Programme.IPS, start_year=None, end_year=None):
    place = municipality(number)
    org = Organisation.objects.create(
        name=name,
        kind=OrganisationKind.GRANT_RECIPIENT,
        municipality=place,
        county=place.county,
    )
    if programme:
        start = start_year or timezone.localdate().year - 1
        Grant.objects.create(
            organisation=org,
            programme=programme,
            start_year=start,
            end_year=end_year if end_year is not None else start + 2,
        )
    return org


@pytest.fixture
def tromso(db):
    return make_org("NAV Tromsø", "5501")


@pytest.fixture
def bodo(db):
    return make_org("Bodø kommune", "1804")


@pytest.fixture
def bergen(db):
    return make_org("Bergen kommune", "4601")


def person(org=None, profession=JS, *, role=MembershipRole.MEMBER, last_name=None, **fields):
    n = next(_people)
    user = UserFactory(
        email=f"kollega{n}@example.no",
        first_name=fields.pop("first_name", "Kari"),
        last_name=last_name or f"Nordmann{n:03d}",
        profession=profession,
        preferred_language="nb",
        **fields,
    )
    if org is not None:
        set_employer(user, org, role=role)
    return user


@pytest.fixture
def coordinator(tromso):
    return person(tromso, LE, role=MembershipRole.COORDINATOR, last_name="Koordinator")


# --- runs and registrations ------------------------------------------------------------------


def past_run(course, days_ago=60, **fields):
    day = timezone.localdate() - timedelta(days=days_ago)
    run = CourseRun.objects.create(
        course=course,
        title=fields.pop("title", f"{course.title} (avsluttet)"),
        status=RunStatus.PUBLISHED,
        format=CourseFormat.DIGITAL,
        capacity=30,
        starts_on=day,
        register_closed_at=fields.pop("register_closed_at", timezone.now() - timedelta(days=1)),
        **fields,
    )
    CourseSession.objects.create(run=run, date=day, start_time=time(9), end_time=time(15))
    return run


def completed(user, course, *, days_ago=60, signed_up=None):
    """A registration completed on a finished run (history)."""
    run = past_run(course, days_ago)
    registration = Registration.objects.create(
        run=run,
        user=user,
        status=RegistrationStatus.CONFIRMED,
        profession=user.profession,
        employer=user.current_membership.organisation if user.current_membership else None,
        completed_at=timezone.now() - timedelta(days=days_ago - 1),
    )
    when = signed_up or timezone.now() - timedelta(days=days_ago + 30)
    Registration.objects.filter(pk=registration.pk).update(created_at=when)
    return registration


def upcoming_run(course, days_ahead=30, *, number=None, fmt=CourseFormat.IN_PERSON, **fields):
    if fmt == CourseFormat.DIGITAL:
        fields.setdefault("venue_name", "")
        return make_run(course, days_ahead, format=fmt, **fields)
    return make_run(
        course,
        days_ahead,
        format=fmt,
        municipality=municipality(number or "4601"),
        venue_name="Kurssted",
        **fields,
    )


def booked(user, run):
    return register(run, user, notify=False)


def reserve(run, profession, seats, days=20):
    return ReservedSeats.objects.create(
        run=run,
        profession=profession,
        seats=seats,
        release_at=timezone.now() + timedelta(days=days),
    )


# --- people who see aggregates -----------------------------------------------------------------


@pytest.fixture
def napha_user(db):
    group = Group.objects.create(name="NAPHA rapporter (test)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(codename="view_national_reports"),
    )
    return UserFactory(email="napha@example.no", groups=[group])


def resource_centre(name, county_numbers):
    centre = Organisation.objects.create(name=name, kind=OrganisationKind.RESOURCE_CENTRE)
    region = ResourceCentreRegion(resource_centre=centre)
    region.save()
    region.counties.set([municipality(n).county for n in county_numbers])
    region.save()
    return centre


def centre_staff(centre):
    group, _ = Group.objects.get_or_create(name="Redaktører (test)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = UserFactory(email=f"senter{next(_people)}@example.no", groups=[group])
    set_employer(user, centre, role=MembershipRole.STAFF)
    return user


# --- reading pages ---------------------------------------------------------------------------


def text_of(response):
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def shows(response, msgid, **params):
    text = gettext(msgid)
    if params:
        text = text % params
    content = response.content.decode()
    return escape(text) in content or text in unescape(content)


def readiness_url(org, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/organisasjon/{org.pk}/opplaering/" + (f"?{query}" if query else "")


class _Tables(HTMLParser):
    """[{caption, rows}] of a page's tables; rows as lists of cell texts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._cell, self._row, self._caption = [], None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
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
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


@pytest.fixture
def nord_editor(courses):
    """An editor of the Nord resource centre's pages and runs (not of training packages)."""
    provider = courses["basic_nord"].get_parent().specific
    return UserFactory(email="redaktor.nord@example.no", groups=[ensure_editors_group(provider)])
