"""Registration over HTTP under load, measured the way the pretix peer harness measures order
creation (../shared/peers/pretix/), so the two can be compared in one sitting.

The site runs under gunicorn (2 sync workers) with a real Celery worker, PostgreSQL, Redis and a
local SMTP server. Logged-in clients (one per attempt, each a different person with a complete
profile) POST the registration form of one run: C concurrent clients share M attempts.

Scenarios (capacity S, clients C, attempts M), as the peer's defaults:
- a hot run: 30 seats without a waitlist, 50 clients, 300 attempts: it sells out, the rest are
  refused (409, as pretix answers "quota exhausted");
- an uncontended run: 100,000 seats, 50 clients, 1,000 attempts.

Printed per scenario: registrations, wall time, registrations/s (and until sold out), p50/p95
latency of successes and of all requests, errors by kind, server CPU per attempt by process tree
(gunicorn, celery, Redis, and PostgreSQL's work for this database only: other databases on a
shared server are left out) and overbooked (must be 0). Before the load, the SQL queries of one
registration are counted in-process.

python manage.py bench --http-registrations [--clients 50]
"""

import asyncio
import secrets
import time
from collections import Counter
from datetime import time as dtime
from datetime import timedelta
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from organisations.models import Membership, Organisation
from outbox.models import OutgoingMessage

from .bench_live import (
    BENCH_SECRET_KEY,
    Servers,
    SMTPSink,
    percentile,
    postgres_cpu_seconds,
    redis_pid,
    redis_urls,
    tree_cpu_seconds,
)

DOMAIN = "bench-http.invalid"
RUN_TITLE = "Benk: populært grunnkurs"
ORGANISATION = "Benk arbeidsgiver (HTTP)"
SCENARIOS = [(30, 50, 300), (100_000, 50, 1000)]


def _people(count, organisation, tag):
    """``count`` people with a complete profile, each with a login session and CSRF secret
    made as the servers would (their secret key): [(user, cookie header)]."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(
            email=f"{tag}-{i}@{DOMAIN}",
            first_name="Benk",
            last_name=f"Person {i}",
            profession="job_specialist",
            password="!bench",  # noqa: S106 - an unusable password; nobody logs in with it
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(Membership(user=u, organisation=organisation) for u in users)
    people = []
    # The configured session store (cached_db: Redis and the database), as a login would use.
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    with override_settings(SECRET_KEY=BENCH_SECRET_KEY):
        for user in users:
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            csrf = secrets.token_hex(16)
            people.append((csrf, f"sessionid={session.session_key}; csrftoken={csrf}"))
    return people


def _run(course, capacity):
    run = CourseRun.objects.create(
        course=course,
        title=RUN_TITLE,
        status=RunStatus.PUBLISHED,
        capacity=capacity,
        waitlist_enabled=False,
        format="digital",
        meeting_url="https://meet.example.no/j/benk",
    )
    first = timezone.localdate() + timedelta(days=40)
    CourseSession.objects.bulk_create(
        CourseSession(
            run=run, date=first + timedelta(days=i), start_time=dtime(9), end_time=dtime(15)
        )
        for i in range(2)
    )
    return run


async def _post(port, path, body, cookie):
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    status = int(status_line.split()[1]) if status_line else 0
    return status, time.perf_counter() - start


async def _load(port, run, people, clients):
    path = f"/kurs/pamelding/{run.pk}/"
    queue = list(people)
    results = []

    async def client():
        while queue:
            csrf, cookie = queue.pop()
            body = urlencode({"csrfmiddlewaretoken": csrf, "needs": ""}).encode()
            try:
                status, seconds = await asyncio.wait_for(_post(port, path, body, cookie), 60)
            except (TimeoutError, OSError) as exc:
                status, seconds = type(exc).__name__, 60.0
            results.append((status, seconds, time.perf_counter()))

    await asyncio.gather(*(client() for _ in range(clients)))
    return results


def _queries_per_registration(course, organisation):
    """SQL queries of one registration request, counted in-process (as the test asserts)."""
    run = _run(course, 10)
    [(_csrf, cookie)] = _people(1, organisation, "q")
    client = Client(HTTP_HOST="127.0.0.1")
    with override_settings(SECRET_KEY=BENCH_SECRET_KEY, CELERY_TASK_ALWAYS_EAGER=False):
        session_key = cookie.split(";")[0].split("=")[1]
        client.cookies["sessionid"] = session_key
        with CaptureQueriesContext(connection) as queries:
            response = client.post(f"/kurs/pamelding/{run.pk}/", {"needs": ""})
    assert response.status_code == 303, response.status_code
    return len(queries)


def _cpu(roots):
    """CPU seconds so far of the site's processes: the gunicorn and Celery trees, PostgreSQL's
    work for this database (not other databases on the same server) and Redis."""
    seconds = tree_cpu_seconds(roots)
    return {
        "gunicorn": seconds["gunicorn"],
        "celery": seconds["celery"],
        "postgres": postgres_cpu_seconds(connection.settings_dict["NAME"]),
        "redis": seconds["redis"],
    }


def _cleanup():
    """Remove everything the bench made (also what an interrupted earlier run left)."""
    User = get_user_model()
    runs = CourseRun.objects.filter(title=RUN_TITLE)
    with transaction.atomic():
        OutgoingMessage.objects.filter(to__endswith=f"@{DOMAIN}").delete()
        RegistrationEvent.objects.filter(run__in=runs).delete()
        Registration.objects.filter(run__in=runs).delete()
        runs.delete()
        users = User.objects.filter(email__endswith=f"@{DOMAIN}")
        Membership.objects.filter(user__in=users).delete()
        users.delete()
        Organisation.objects.filter(name=ORGANISATION).delete()


def _report(stdout, label, capacity, attempts, results, started, cpu, run):
    ok = [r for r in results if r[0] == 303]
    wall = max(r[2] for r in results) - started
    errors = Counter(str(r[0]) for r in results if r[0] != 303)
    confirmed = Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED).count()
    stdout.write(label)
    stdout.write(
        f"  ok {len(ok)} of {attempts} attempts in {wall:.2f} s: "
        f"{len(ok) / wall:.1f} registrations/s"
    )
    if capacity < attempts and ok:
        sold_out = max(r[2] for r in ok) - started
        stdout.write(
            f"  sold out after {sold_out:.2f} s: "
            f"{len(ok) / sold_out:.1f} registrations/s until then"
        )
    stdout.write(
        f"  latency ok p50 {percentile([r[1] for r in ok], 50) * 1000:.0f} ms, "
        f"p95 {percentile([r[1] for r in ok], 95) * 1000:.0f} ms; all p50 "
        f"{percentile([r[1] for r in results], 50) * 1000:.0f} ms, "
        f"p95 {percentile([r[1] for r in results], 95) * 1000:.0f} ms"
    )
    stdout.write(f"  answers other than 303: {dict(errors) or 'none'}")
    per_attempt = {k: v * 1000 / attempts for k, v in cpu.items()}
    stdout.write(
        "  server CPU per attempt: "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in per_attempt.items())
        + f", total {sum(per_attempt.values()):.1f} ms"
    )
    if ok:
        stdout.write(f"  server CPU per registration: {sum(cpu.values()) * 1000 / len(ok):.1f} ms")
    overbooked = max(0, confirmed - capacity)
    stdout.write(f"  confirmed {confirmed}, overbooked {overbooked}")
    return {"ok": len(ok), "wall": wall, "rate": len(ok) / wall, "overbooked": overbooked}


def bench_http_registrations(stdout, clients=50, scenarios=SCENARIOS):
    if connection.vendor != "postgresql" or redis_urls()[0] is None:
        stdout.write(
            "This bench needs PostgreSQL and Redis, as in production: run it with "
            "DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://…"
        )
        return []
    course = CoursePage.objects.live().first()
    if course is None:
        stdout.write("No live course page: run `manage.py seed_demo` first.")
        return []
    _cleanup()
    organisation = Organisation.objects.create(name=ORGANISATION)
    summaries = []
    try:
        queries = _queries_per_registration(course, organisation)
        stdout.write(f"SQL queries per registration (one request, in-process): {queries}")
        with SMTPSink() as smtp, Servers(smtp.port) as servers:
            roots = {
                "gunicorn": servers.gunicorn.pid,
                "celery": servers.celery.pid,
                "redis": redis_pid(),
            }
            for index, (capacity, scenario_clients, attempts) in enumerate(scenarios):
                scenario_clients = clients or scenario_clients
                run = _run(course, capacity)
                people = _people(attempts, organisation, f"s{index}")
                before = _cpu(roots)
                started = time.perf_counter()
                results = asyncio.run(_load(servers.port, run, people, scenario_clients))
                after = _cpu(roots)
                time.sleep(0.5)
                cpu = {k: after[k] - before[k] for k in after}
                label = f"scenario S={capacity} C={scenario_clients} M={attempts}"
                summaries.append(
                    _report(stdout, label, capacity, attempts, results, started, cpu, run)
                )
            # Let the worker finish, then check that every confirmation went out once.
            expected = OutgoingMessage.objects.filter(to__endswith=f"@{DOMAIN}").count()
            deadline = time.monotonic() + 120
            while smtp.count() < expected and time.monotonic() < deadline:
                time.sleep(0.5)
            stdout.write(f"emails: {smtp.count()} received of {expected} queued")
    finally:
        _cleanup()
    return summaries
