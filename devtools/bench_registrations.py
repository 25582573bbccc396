"""Concurrent registrations on one run: throughput and queries per registration.

Each round creates a fresh run with half as many seats as clients, then forks one process per
client (each with its own database connection, like separate web workers) that wait at a
barrier, so all register at once. Everything the bench creates is removed afterwards.
"""

import io
import multiprocessing
import os
import statistics
import sys
import time
from datetime import time as dtime
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent
from enrollment.services.coordinator import entries_from_rows, preview
from enrollment.services.registration import register
from enrollment.services.spreadsheet import read_upload
from organisations.models import Membership, Organisation
from outbox.models import OutgoingMessage

BENCH_DOMAIN = "bench.invalid"


def _users(count):
    User = get_user_model()
    org, _ = Organisation.objects.get_or_create(name="Bench organisation")
    users = []
    for i in range(count):
        user, created = User.objects.get_or_create(
            email=f"bench-{i}@{BENCH_DOMAIN}",
            defaults={"first_name": "Bench", "last_name": str(i), "profession": "therapist"},
        )
        if created:
            Membership.objects.create(user=user, organisation=org)
        users.append(user)
    return users


def _run(capacity):
    course = CoursePage.objects.live().first()
    if course is None:
        raise SystemExit("No course pages: run seed_demo first.")
    run = CourseRun.objects.create(
        course=course,
        title="Bench run",
        status=RunStatus.PUBLISHED,
        capacity=capacity,
        format="digital",
    )
    CourseSession.objects.create(
        run=run,
        date=timezone.localdate() + timedelta(days=60),
        start_time=dtime(9),
        end_time=dtime(15),
    )
    return run


def _cleanup(run):
    with transaction.atomic():
        OutgoingMessage.objects.filter(registration__run=run).delete()
        RegistrationEvent.objects.filter(run=run).delete()
        Registration.objects.filter(run=run).delete()
        run.delete()


def _client(run_id, user_id, barrier, errors):
    try:
        run = CourseRun.objects.get(pk=run_id)
        user = get_user_model().objects.get(pk=user_id)
        barrier.wait()
        register(run, user)
    except Exception as exc:
        print(f"client {user_id}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        with errors.get_lock():
            errors.value += 1
    finally:
        connections.close_all()
        os._exit(0)


def bench_registrations(stdout, clients=50, rounds=5):
    stdout.write(f"{connection.vendor}: {clients} concurrent clients, {rounds} rounds")
    users = _users(clients)
    rates, durations = [], []
    for _round in range(rounds):
        run = _run(capacity=clients // 2)
        connections.close_all()  # children must not share the parent's connection
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(clients + 1)
        errors = context.Value("i", 0)
        processes = [
            context.Process(target=_client, args=(run.pk, user.pk, barrier, errors))
            for user in users
        ]
        for process in processes:
            process.start()
        barrier.wait()
        start = time.perf_counter()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - start
        confirmed = Registration.objects.filter(run=run, status="confirmed").count()
        waitlisted = Registration.objects.filter(run=run, status="waitlisted").count()
        durations.append(elapsed)
        rates.append(clients / elapsed)
        stdout.write(
            f"  round {_round + 1}: {elapsed * 1000:7.1f} ms, {clients / elapsed:6.1f} reg/s, "
            f"{confirmed} confirmed, {waitlisted} waitlisted, {errors.value} errors"
        )
        _cleanup(run)

    # Queries per registration, measured one at a time (confirmed and waitlisted cases).
    run = _run(capacity=1)
    with CaptureQueriesContext(connection) as confirmed_q:
        register(run, users[0])
    with CaptureQueriesContext(connection) as waitlisted_q:
        register(run, users[1])
    _cleanup(run)
    stdout.write(
        f"median {statistics.median(rates):.1f} registrations/s "
        f"(best {max(rates):.1f}); queries per registration: "
        f"{len(confirmed_q)} confirmed, {len(waitlisted_q)} waitlisted"
    )


def bench_spreadsheet(stdout, rows=500, rounds=5):
    """Read and validate an XLSX of ``rows`` colleagues (half members, half new, a few bad)."""

    users = _users(rows // 2)
    organisation = Organisation.objects.get(name="Bench organisation")
    run = CourseRun.objects.prefetch_related("sessions").get(pk=_run(capacity=rows // 3).pk)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "email", "profession"])
    for i in range(rows):
        if i < len(users):
            sheet.append([f"Bench {i}", users[i].email, "therapist"])
        elif i % 50 == 0:
            sheet.append([f"Bad {i}", "not-an-email", "astronaut"])
        else:
            sheet.append([f"New Person {i}", f"new-{i}@{BENCH_DOMAIN}", "Jobbspesialist"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    timings = []
    for _round in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            parsed = read_upload(SimpleUploadedFile("team.xlsx", data))
            entries = preview(run, entries_from_rows(parsed, organisation, run))
            timings.append(time.perf_counter() - start)
    _cleanup(run)
    bad = sum(1 for e in entries if not e.ok)
    stdout.write(
        f"{connection.vendor}: {rows} rows ({len(data) // 1024} KB XLSX) read and validated in "
        f"median {statistics.median(timings) * 1000:.0f} ms (max {max(timings) * 1000:.0f} ms), "
        f"{len(queries)} queries, {bad} rows with problems"
    )
