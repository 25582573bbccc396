"""Read paths over HTTP against the framework itself: requests/s of the catalogue, a run
page, the API and the calendar feed under gunicorn (2 sync workers, production settings,
PostgreSQL and Redis), each compared with a bare view returning a 3 KB page through the same
gunicorn and middleware, measured alternately (bare, page, bare, page) in one sitting so
that load from elsewhere on the machine hits both alike. Done at 25 runs (the others are
set aside as drafts for the moment, then restored) and at all runs in the database.

python manage.py seed_demo --runs 1000 --quiet-logins
python manage.py bench --http-reads
"""

import asyncio
import os
import time

from django.db import connection, transaction
from django.http import HttpResponse

from courses.models import CourseRun, RunStatus
from portal.public import listing_cache

from .bench_live import Servers, redis_urls

BARE_BODY = ("<!DOCTYPE html><html><body>" + "<p>IPS-kurs</p>" * 200 + "</body></html>")[:3072]
PAGES = [
    ("catalogue /kurs/", "/kurs/"),
    ("run page", "RUN"),
    ("API /api/runs/", "/api/runs/"),
    ("feed courses.ics", "/calendar/courses.ics"),
]


def bare_view(request):
    return HttpResponse(BARE_BODY)


async def _get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()
    writer.close()
    return int(status_line.split()[1]) if status_line else 0


async def _load(port, path, seconds, clients):
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds

    async def client():
        nonlocal done, errors
        while time.perf_counter() < deadline:
            status = await _get(port, path)
            if status == 200:
                done += 1
            else:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return done / (time.perf_counter() - start), errors


def _rate(port, path, seconds, clients):
    return asyncio.run(_load(port, path, seconds, clients))


def _measure(stdout, port, label, path, seconds, clients, rounds):
    _rate(port, path, 0.5, 2)  # warm: the first request builds the cached listing
    bare, page, errors = [], [], 0
    for _ in range(rounds):
        bare.append(_rate(port, "/bench/bare/", seconds, clients)[0])
        rate, failed = _rate(port, path, seconds, clients)
        page.append(rate)
        errors += failed
    b, p = sum(bare) / rounds, sum(page) / rounds
    stdout.write(
        f"  {label:22} {p:8.1f}/s   bare {b:8.1f}/s   ratio 1/{b / p:5.1f}"
        + (f"   ({errors} errors)" if errors else "")
    )
    return b / p


def _hide_all_but(keep):
    """Set all published runs but ``keep`` aside (as drafts); returns their ids."""
    published = list(
        CourseRun.objects.filter(status=RunStatus.PUBLISHED).order_by("pk").values_list("pk")
    )
    hidden = [pk for (pk,) in published[keep:]]
    with transaction.atomic():
        CourseRun.objects.filter(pk__in=hidden).update(status=RunStatus.DRAFT)
    listing_cache.bump_all()
    return hidden


def _restore(hidden):
    CourseRun.objects.filter(pk__in=hidden).update(status=RunStatus.PUBLISHED)
    listing_cache.bump_all()


def bench_http_reads(stdout, seconds=2.0, clients=8, rounds=2):
    if connection.vendor != "postgresql" or redis_urls()[0] is None:
        stdout.write(
            "This bench needs PostgreSQL and Redis, as in production: run it with "
            "DATABASE_URL=postgres://…, CELERY_BROKER_URL=redis://… and CACHE_URL=redis://…"
        )
        return {}
    run = CourseRun.objects.published().upcoming().order_by("first_date", "pk").first()
    if run is None:
        stdout.write("No upcoming run: run `manage.py seed_demo --runs 1000` first.")
        return {}
    results = {}
    os.environ["BENCH_BARE_VIEW"] = "1"
    with Servers(smtp_port=1) as servers:
        for scale in (25, None):
            hidden = _hide_all_but(scale) if scale else []
            try:
                count = CourseRun.objects.published().count()
                run = CourseRun.objects.published().upcoming().order_by("first_date", "pk")[0]
                stdout.write(
                    f"{count} published runs, {clients} clients, {rounds} x {seconds:.0f} s "
                    "each, alternating with the bare view"
                )
                for label, path in PAGES:
                    path = path.replace("RUN", f"/kurs/pamelding/{run.pk}/")
                    results[(label, count)] = _measure(
                        stdout, servers.port, label, path, seconds, clients, rounds
                    )
            finally:
                if hidden:
                    _restore(hidden)
    return results
