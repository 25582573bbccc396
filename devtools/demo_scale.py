"""Bulk data for scale tests: ``seed_demo --scale`` adds about 200,000 confirmed registrations
and 600,000 attendance rows over three years (5,000 runs of three sessions, 40 participants
each), spread over professions, grant recipients and counties. Written with bulk inserts;
meant for PostgreSQL. Synthetic users have unusable passwords and @scale.invalid addresses.
"""

import random
from datetime import date, time, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from attendance.models import AttendanceRecord, AttendanceStatus
from cms.localisation import originals
from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationStatus
from geo.models import Municipality
from organisations.models import Organisation, OrganisationKind
from people.models import User

PROFESSION_WEIGHTS = [
    ("job_specialist", 45),
    ("therapist", 25),
    ("supervisor", 10),
    ("leader", 8),
    ("nav_adviser", 7),
    ("peer_worker", 3),
    ("other", 2),
]


def seed_scale(runs=5000, per_run=40, users=50000, stdout=None, batch=5000):
    rng = random.Random(7)
    now = timezone.now()
    say = stdout.write if stdout else (lambda _m: None)
    courses = list(originals(CoursePage.objects.live()))
    municipalities = list(Municipality.objects.valid_on().select_related("county"))
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Tilskuddsmottaker {i}",
                    kind=OrganisationKind.GRANT_RECIPIENT,
                    municipality=m,
                    county=m.county,
                )
                for i, m in enumerate(rng.choices(municipalities, k=400))
            ]
        )
        say(f"{len(orgs)} organisations\n")
        professions = [p for p, w in PROFESSION_WEIGHTS for _ in range(w)]
        people = User.objects.bulk_create(
            [
                User(
                    email=f"scale-{i}@scale.invalid",
                    first_name="Scale",
                    last_name=str(i),
                    profession=rng.choice(professions),
                    password=UNUSABLE_PASSWORD_PREFIX,
                    calendar_token=f"scale-{i}-{rng.getrandbits(64):x}",
                )
                for i in range(users)
            ],
            batch_size=batch,
        )
        employer_of = {u.pk: rng.choice(orgs) for u in people}
        say(f"{len(people)} people\n")
        start = date.today() - timedelta(days=3 * 365)
        new_runs = CourseRun.objects.bulk_create(
            [
                CourseRun(
                    course=rng.choice(courses),
                    title=f"Skala {i}",
                    status=RunStatus.PUBLISHED,
                    format="digital",
                    capacity=per_run,
                    starts_on=start + timedelta(days=rng.randint(0, 3 * 365)),
                )
                for i in range(runs)
            ],
            batch_size=batch,
        )
        sessions = CourseSession.objects.bulk_create(
            [
                CourseSession(
                    run=run,
                    date=run.starts_on + timedelta(days=d),
                    start_time=time(9),
                    end_time=time(15, 30),
                    sort_order=d,
                )
                for run in new_runs
                for d in range(3)
            ],
            batch_size=batch,
        )
        sessions_of = {}
        for session in sessions:
            sessions_of.setdefault(session.run_id, []).append(session)
        say(f"{len(new_runs)} runs, {len(sessions)} sessions\n")
        registrations = []
        for run in new_runs:
            for user in rng.sample(people, per_run):
                registrations.append(
                    Registration(
                        run=run,
                        user=user,
                        status=RegistrationStatus.CONFIRMED,
                        profession=user.profession,
                        employer=employer_of[user.pk],
                        confirmed_at=now,
                        completed_at=now if rng.random() < 0.8 else None,
                    )
                )
        registrations = Registration.objects.bulk_create(registrations, batch_size=batch)
        say(f"{len(registrations)} registrations\n")
        statuses = (
            [AttendanceStatus.PRESENT] * 85
            + [AttendanceStatus.LATE] * 5
            + [AttendanceStatus.ABSENT] * 6
            + [AttendanceStatus.EXCUSED] * 4
        )
        records = (
            AttendanceRecord(
                registration=r, session=s, status=rng.choice(statuses), recorded_at=now
            )
            for r in registrations
            for s in sessions_of[r.run_id]
        )
        count = 0
        chunk = []
        for record in records:
            chunk.append(record)
            if len(chunk) >= batch:
                AttendanceRecord.objects.bulk_create(chunk)
                count += len(chunk)
                chunk = []
        AttendanceRecord.objects.bulk_create(chunk)
        count += len(chunk)
        say(f"{count} attendance rows\n")

    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, and (outside a transaction) the visibility map
        # that index-only scans need: without it the reports read 1.6M heap pages they need not.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return {"registrations": len(registrations), "attendance": count}
