"""Readiness benchmark (``manage.py bench --readiness``) and the data builder the query-budget
tests share with it.

Builds grant recipients with staff, a past and an upcoming run of every package course module
and registrations (some completed, some booked), then times the coordinator's readiness page
for one organisation and NAPHA's national readiness report, and counts their SQL queries. The
data is made inside a transaction that is rolled back, so the database is left as it was.
"""

import statistics
import time
import uuid
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.localisation import originals
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationStatus
from geo.models import Municipality
from organisations.models import (
    Grant,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Programme,
)
from people.models import ProfessionOption
from people.professions import Profession
from training.models import PackageStep, PackageVersion, TrainingPackage

MIX = [Profession.JOB_SPECIALIST] * 5 + [Profession.THERAPIST] * 3 + [Profession.SUPERVISOR]
MIX += [Profession.LEADER]
PLACES = ["5501", "1804", "5001", "4601", "0301", "3107", "1103", "4204", "1508", "3403"]


def ensure_package(programme=Programme.IPS):
    """The programme's package, or a small one over the first course modules found."""
    package = TrainingPackage.objects.filter(programme=programme).first()
    if package is not None and package.versions.exists():
        return package
    courses = list(originals(CoursePage.objects.order_by("pk"))[:4])
    if len(courses) < 3:
        raise RuntimeError("Needs at least three course modules: run seed_demo first.")
    package = package or TrainingPackage.objects.create(programme=programme, title="Pakke")
    version = PackageVersion(package=package, valid_from=date(2020, 1, 1))
    version.save()
    options = {o.code: o for o in ProfessionOption.objects.all()}
    spec = [
        ("Grunnkurs", courses[:2], [Profession.JOB_SPECIALIST, Profession.THERAPIST], False),
        ("Behandlere", [courses[2]], [Profession.THERAPIST], False),
        ("Nettverk", courses[3:] or [courses[0]], [], True),
    ]
    for order, (title, step_courses, professions, recommended) in enumerate(spec):
        step = PackageStep(version=version, title=title, recommended=recommended, sort_order=order)
        step.save()
        step.courses.set(step_courses)
        step.professions.set([options[p] for p in professions])
        step.save()
    return package


def _runs(course_ids, first_day, status=RunStatus.PUBLISHED):
    runs = CourseRun.objects.bulk_create(
        CourseRun(
            course_id=course_id,
            title=f"Bench {course_id}",
            status=status,
            format=CourseFormat.DIGITAL,
            capacity=1000,
            starts_on=first_day,
        )
        for course_id in course_ids
    )
    CourseSession.objects.bulk_create(CourseSession(run=run, date=first_day) for run in runs)
    return runs


def build_recipients(count, staff, *, package=None, programme=Programme.IPS, today=None):
    """``count`` grant recipients of ``programme``, each with ``staff`` members (professions in
    the usual mix) and a coordinator among them; about half the course modules of the package
    completed, a quarter booked. Returns the organisations. A few dozen queries in all."""
    today = today or timezone.localdate()
    package = package or ensure_package(programme)
    course_ids = sorted(
        PackageStep.courses.through.objects.filter(packagestep__version__package=package)
        .values_list("coursepage_id", flat=True)
        .distinct()
    )
    places = list(
        Municipality.objects.valid_on().filter(number__in=PLACES).select_related("county")
    )
    tag = uuid.uuid4().hex[:8]
    orgs = Organisation.objects.bulk_create(
        Organisation(
            name=f"Tilskuddsmottaker {tag} {i}",
            kind=OrganisationKind.GRANT_RECIPIENT,
            municipality=places[i % len(places)],
            county=places[i % len(places)].county,
        )
        for i in range(count)
    )
    Grant.objects.bulk_create(
        Grant(
            organisation=org,
            programme=programme,
            start_year=today.year - 1,
            end_year=today.year + 1,
        )
        for org in orgs
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(
            email=f"bench-{tag}-{i}@example.invalid",
            first_name="Bench",
            last_name=f"Person {i:05d}",
            profession=MIX[i % len(MIX)],
        )
        for i in range(count * staff)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=orgs[i // staff],
            role=MembershipRole.COORDINATOR if i % staff == 0 else MembershipRole.MEMBER,
        )
        for i, user in enumerate(users)
    )
    past = {run.course_id: run for run in _runs(course_ids, today - timedelta(days=90))}
    upcoming = {run.course_id: run for run in _runs(course_ids, today + timedelta(days=40))}
    CourseRun.objects.filter(pk__in=[r.pk for r in past.values()]).update(
        register_closed_at=timezone.now() - timedelta(days=60)
    )
    finished = timezone.now() - timedelta(days=85)
    registrations = []
    for i, user in enumerate(users):
        for j, course_id in enumerate(course_ids):
            kind = (i + j) % 4
            if kind in (0, 1):
                run, completed = past[course_id], finished
            elif kind == 2:
                run, completed = upcoming[course_id], None
            else:
                continue
            registrations.append(
                Registration(
                    run=run,
                    user=user,
                    status=RegistrationStatus.CONFIRMED,
                    profession=user.profession,
                    employer=orgs[i // staff],
                    completed_at=completed,
                )
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    return orgs


def coordinator_of(organisation):
    return (
        Membership.objects.current()
        .filter(organisation=organisation, role=MembershipRole.COORDINATOR)
        .select_related("user")
        .first()
        .user
    )


def measure(client, url, repeat):
    client.get(url)  # warm caches and imports
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return statistics.median(timings), max(timings), len(queries)


class _Rollback(Exception):
    pass


def bench_readiness(stdout, *, staff=200, recipients=100, staff_each=20, repeat=5):
    results = []
    try:
        with transaction.atomic():
            package = ensure_package()
            (big,) = build_recipients(1, staff, package=package)
            build_recipients(recipients - 1, staff_each, package=package)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(coordinator_of(big))
            url = f"/organisasjon/{big.pk}/opplaering/"
            results.append((f"organisation, {staff} staff", *measure(client, url, repeat)))
            results.append(("  export to Excel", *measure(client, url + "?export=xlsx", repeat)))
            napha = get_user_model().objects.create(
                email=f"bench-napha-{uuid.uuid4().hex[:8]}@example.invalid",
                is_staff=True,
                is_superuser=True,
            )
            client.force_login(napha)
            for by in ("recipient", "county", "profession"):
                results.append(
                    (
                        f"national, {recipients} recipients, by {by}",
                        *measure(client, f"/admin/training/readiness/?by={by}", repeat),
                    )
                )
            raise _Rollback
    except _Rollback:
        pass
    stdout.write(
        f"{connection.vendor}; readiness, {repeat} requests each (the data is rolled back)"
    )
    stdout.write(f"{'view':44} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for label, median, slowest, queries in results:
        stdout.write(f"{label:44} {median:10.1f} {slowest:8.1f} {queries:8d}")
    return results
