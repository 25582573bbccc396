"""Calendar invitations end to end, against plain smtplib sending the same messages.

1. End to end: N confirmed registrations each get their confirmation with the first session's
   iTIP REQUEST enqueued (the intent and the calendar entry) in one transaction, as a run
   update for N participants does, and the worker is kicked after commit. A real Celery worker
   renders and sends them to a local SMTP server. Timed from the start of the enqueueing until
   the server has all N.
2. Baseline: the very messages the server received, pre-rendered, sent again with smtplib
   over one connection.

Both are done per round (``--rounds``, default 5) with the same worker and SMTP servers, each
round from vacuumed tables; printed per round: both times, their ratio, how long enqueueing
took, how long after the commit the first email arrived and the worker's CPU time per message;
then the median ratio (the target is at most 2x). The first round includes the worker's first
batches after its start (templates compiled, connections opened).

python manage.py bench --invitations 1000 --rounds 5
"""

import smtplib
import statistics
import time
from dataclasses import dataclass
from datetime import time as dtime
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from calendars.models import CalendarEntry
from calendars.services import batched, follow_registration
from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from enrollment.services.notify import registration_email
from organisations.models import Organisation
from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import collect

from .bench_live import Servers, SMTPSink, redis_urls, tree_cpu_seconds

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


def _vacuum():
    """Each round starts from compact tables: the rounds before left dead rows behind."""
    tables = [OutgoingMessage, CalendarEntry, Registration, get_user_model()]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass
class Round:
    end_to_end: float  # from the start of enqueueing until the SMTP server has them all
    plain: float  # the same messages with smtplib over one connection
    enqueued: float  # enqueueing and commit
    first: float  # from the commit until the first email arrived
    worker_cpu: float  # CPU seconds of the worker's process tree
    busy: float  # the share of the machine's CPU time in use (by anyone) during end to end
    received: int
    sent: int  # marked sent
    size: int  # bytes of one message

    @property
    def ratio(self):
        return self.end_to_end / self.plain


def _cpu_times():
    """(idle, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as handle:
        values = [int(x) for x in handle.readline().split()[1:]]
    return values[3] + values[4], sum(values)


def _round(course, count, smtp, baseline, worker_pid):
    organisation = run = None
    try:
        _vacuum()
        organisation, run, registrations = _setup(course, count)
        smtp.clear()
        baseline.clear()
        cpu_before = tree_cpu_seconds({"worker": worker_pid})["worker"]
        machine_before = _cpu_times()
        # 1. End to end: enqueue as registering does; the worker renders and sends.
        start = time.perf_counter()
        with transaction.atomic(), collect(), batched():
            for registration in registrations:
                notice = registration_email(registration, "confirmed")
                follow_registration(
                    registration, "", RegistrationStatus.CONFIRMED, timezone.now(), notice
                )
        committed = time.perf_counter()
        deadline = time.monotonic() + 600
        while smtp.count() < count and time.monotonic() < deadline:
            time.sleep(0.02)
        received = list(smtp.received)
        machine_after = _cpu_times()
        # The last group is marked sent just after its SMTP reply: wait for it before counting.
        sent = 0
        while time.monotonic() < deadline:
            sent = OutgoingMessage.objects.filter(
                registration__run=run, status=MessageStatus.SENT
            ).count()
            if sent >= len(received):
                break
            time.sleep(0.05)
        worker_cpu = tree_cpu_seconds({"worker": worker_pid})["worker"] - cpu_before
        sample = received[0][2] if received else b""
        assert b"text/calendar" in sample and b"REQUEST" in sample, sample[:2000]

        # 2. The same messages, pre-rendered, over one smtplib connection.
        plain_start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", baseline.port, timeout=10) as client:
            for _at, rcpt, content in received:
                client.sendmail("kurs@ipskurs.no", [rcpt], content)
        plain = time.perf_counter() - plain_start
    finally:
        _cleanup(organisation, run)
    return Round(
        end_to_end=received[-1][0] - start if received else float("inf"),
        plain=plain,
        enqueued=committed - start,
        first=received[0][0] - committed if received else float("inf"),
        worker_cpu=worker_cpu,
        busy=1
        - (machine_after[0] - machine_before[0]) / max(machine_after[1] - machine_before[1], 1),
        received=len(received),
        sent=sent,
        size=len(sample),
    )


def bench_invitations(stdout, count=1000, rounds=5):
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
    results = []
    with SMTPSink() as smtp, SMTPSink() as baseline, Servers(smtp.port) as servers:
        stdout.write(
            f"{connection.vendor}: {count} invitations per round, one real Celery worker "
            f"({servers.workers} processes), started once for all {rounds} rounds"
        )
        for number in range(1, rounds + 1):
            result = _round(course, count, smtp, baseline, servers.celery.pid)
            results.append(result)
            stdout.write(
                f"  round {number}: end to end {result.end_to_end:5.2f} s "
                f"({result.received / result.end_to_end:6.1f}/s; enqueueing "
                f"{result.enqueued:.2f} s, first email {result.first:.2f} s after commit), "
                f"smtplib {result.plain:5.2f} s, ratio {result.ratio:.2f}x; worker CPU "
                f"{result.worker_cpu / max(result.received, 1) * 1000:.2f} ms/message; "
                f"machine {result.busy:.0%} busy; "
                f"{result.received} received, {result.sent} marked sent"
            )
    ratios = sorted(r.ratio for r in results)
    median = statistics.median(ratios)
    sample = results[-1]
    end_to_end = statistics.median(r.end_to_end for r in results)
    plain = statistics.median(r.plain for r in results)
    stdout.write(
        f"  median ratio end to end / smtplib over {len(results)} rounds: {median:.2f}x "
        f"(min {ratios[0]:.2f}x, max {ratios[-1]:.2f}x; target: at most 2x; "
        f"{sample.size / 1024:.1f} KB per message)"
    )
    stdout.write(
        f"  medians: end to end {end_to_end:.2f} s, smtplib {plain:.2f} s, their ratio "
        f"{end_to_end / plain:.2f}x; worker CPU "
        f"{statistics.median(r.worker_cpu / max(r.received, 1) for r in results) * 1000:.2f} "
        "ms/message"
    )
    return median
