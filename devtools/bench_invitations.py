"""Calendar invitations end to end, against plain smtplib sending the same messages.

1. End to end: N confirmed registrations each get their confirmation with the first session's
   iTIP REQUEST enqueued (the intent and the calendar entry) in one transaction, as a run
   update for N participants does, and the worker is kicked after commit. A real Celery worker
   renders and sends them to a local SMTP server. Timed from the start of the enqueueing until
   the server has all N.
2. Baseline: the very messages the server received, pre-rendered, sent again with smtplib
   over one connection.

Printed: both times, messages/s, and their ratio (the target is at most 2x).

python manage.py bench --invitations 1000
"""

import smtplib
import time
from datetime import time as dtime
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from calendars.services import batched, follow_registration
from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from enrollment.services.notify import registration_email
from organisations.models import Organisation
from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import collect

from .bench_live import Servers, SMTPSink, redis_urls

DOMAIN = "bench-invitations.invalid"
TITLE = "Benk: Grunnkurs i IPS; Tromsø, Ålesund og Bodø – vår/høst"


def _setup(course, count):
    User = get_user_model()
    User.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    organisation = Organisation.objects.create(name="Benk arbeidsgiver (invitasjoner)")
    run = CourseRun.objects.create(
        course=course,
        title=TITLE,
        status=RunStatus.PUBLISHED,
        capacity=count,
        format="digital",
        meeting_url="https://meet.example.no/j/benk?pwd=hemmelig",
    )
    CourseSession.objects.create(
        run=run,
        date=timezone.localdate() + timedelta(days=60),
        start_time=dtime(9),
        end_time=dtime(15),
    )
    users = User.objects.bulk_create(
        User(
            email=f"inv-{i}@{DOMAIN}",
            first_name="Åse",
            last_name=f"Ødegård {i}",
            profession="job_specialist",
            preferred_language="nb",
        )
        for i in range(count)
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            run=run,
            user=user,
            status=RegistrationStatus.CONFIRMED,
            profession="job_specialist",
            employer=organisation,
            confirmed_at=now,
        )
        for user in users
    )
    registrations = list(
        Registration.objects.filter(run=run)
        .select_related("user", "run__course")
        .prefetch_related("run__sessions")
        .order_by("pk")
    )
    return organisation, run, registrations


def _cleanup(organisation, run):
    with transaction.atomic():
        if run is not None:
            OutgoingMessage.objects.filter(registration__run=run).delete()
            RegistrationEvent.objects.filter(run=run).delete()
            Registration.objects.filter(run=run).delete()  # calendar entries cascade
            run.delete()
        get_user_model().objects.filter(email__endswith=f"@{DOMAIN}").delete()
        if organisation is not None:
            organisation.delete()


def bench_invitations(stdout, count=1000):
    if connection.vendor != "postgresql" or redis_urls()[0] is None:
        stdout.write(
            "This bench needs PostgreSQL and Redis, as in production: run it with "
            "DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…"
        )
        return None
    course = CoursePage.objects.live().first()
    if course is None:
        stdout.write("No live course page: run `manage.py seed_demo` first.")
        return None
    organisation = run = None
    try:
        with SMTPSink() as smtp, Servers(smtp.port) as servers:
            organisation, run, registrations = _setup(course, count)
            del servers  # the worker is what matters here; the site just runs beside it
            # 1. End to end: enqueue as registering does; the worker renders and sends.
            start = time.perf_counter()
            with transaction.atomic(), collect(), batched():
                for registration in registrations:
                    notice = registration_email(registration, "confirmed")
                    follow_registration(
                        registration, "", RegistrationStatus.CONFIRMED, timezone.now(), notice
                    )
            enqueued = time.perf_counter() - start
            deadline = time.monotonic() + 600
            while smtp.count() < count and time.monotonic() < deadline:
                time.sleep(0.05)
            end_to_end = smtp.received[-1][0] - start if smtp.received else float("inf")
            received = list(smtp.received)
        sent = OutgoingMessage.objects.filter(
            registration__run=run, status=MessageStatus.SENT
        ).count()
        sample = received[0][2] if received else b""
        assert b"text/calendar" in sample and b"REQUEST" in sample, sample[:2000]

        # 2. The same messages, pre-rendered, over one smtplib connection.
        with SMTPSink() as baseline:
            start = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", baseline.port, timeout=10) as client:
                for _at, rcpt, content in received:
                    client.sendmail("kurs@ipskurs.no", [rcpt], content)
            plain = time.perf_counter() - start
    finally:
        _cleanup(organisation, run)

    n = len(received)
    stdout.write(f"{connection.vendor}: {count} invitations, one real Celery worker")
    stdout.write(
        f"  end to end (enqueue → worker → SMTP): {end_to_end:6.2f} s, {n / end_to_end:7.1f}/s "
        f"({n} received, {sent} marked sent; enqueueing took {enqueued:.2f} s)"
    )
    stdout.write(
        f"  smtplib, same messages, one connection: {plain:6.2f} s, {n / plain:7.1f}/s "
        f"({len(sample) / 1024:.1f} KB each)"
    )
    stdout.write(f"  ratio end to end / smtplib: {end_to_end / plain:.2f}x (target: at most 2x)")
    return end_to_end / plain
