"""Benchmarks that print numbers: public pages' time and SQL queries on the current database.

python manage.py seed_demo --runs 2000 --quiet-logins
python manage.py bench --repeat 20
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.models import CourseRun
from devtools.bench_certificates import bench_certificates
from devtools.bench_evaluation import bench_evaluation
from devtools.bench_http import bench_http_registrations
from devtools.bench_invitations import bench_invitations
from devtools.bench_readiness import bench_readiness
from devtools.bench_reads import bench_http_reads
from devtools.bench_registrations import bench_registrations, bench_spreadsheet

PAGES = [
    ("catalogue", "/kurs/"),
    ("catalogue, filtered", "/kurs/?profession=therapist&format=in_person"),
    ("catalogue, search", "/kurs/?q=grunnkurs"),
    ("API /api/runs/", "/api/runs/"),
    ("calendar feed (all runs)", "/calendar/courses.ics"),
]


class Command(BaseCommand):
    help = "Time the public pages and count their SQL queries on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument(
            "--registrations",
            type=int,
            default=0,
            metavar="CLIENTS",
            help="Instead of pages: CLIENTS concurrent registrations on one run.",
        )
        parser.add_argument("--rounds", type=int, default=5)
        parser.add_argument(
            "--spreadsheet",
            type=int,
            default=0,
            metavar="ROWS",
            help="Instead of pages: time reading and validating an XLSX of ROWS colleagues.",
        )
        parser.add_argument(
            "--invitations",
            type=int,
            default=0,
            metavar="N",
            help="Instead of pages: render N calendar invitations and send them to a local "
            "SMTP server, compared with plain smtplib.",
        )
        parser.add_argument(
            "--http-registrations",
            action="store_true",
            help="Instead of pages: registrations over HTTP under gunicorn with a real worker "
            "(PostgreSQL and Redis), as the pretix peer harness measures orders.",
        )
        parser.add_argument(
            "--http-reads",
            action="store_true",
            help="Instead of pages: requests/s of the catalogue, a run page, the API and the "
            "feed under gunicorn, each against a bare view through the same stack, at 25 runs "
            "and at all runs (PostgreSQL and Redis).",
        )
        parser.add_argument(
            "--clients", type=int, default=0, help="Concurrent clients (default: 50)."
        )
        parser.add_argument(
            "--readiness",
            action="store_true",
            help="Instead of pages: training readiness for an organisation with 200 staff and "
            "the national view with 100 grant recipients (data rolled back afterwards).",
        )
        parser.add_argument(
            "--evaluation",
            action="store_true",
            help="Instead of pages: the evaluation reports with 500 runs and 10,000 answers "
            "(data rolled back afterwards).",
        )
        parser.add_argument(
            "--certificates",
            type=int,
            default=0,
            metavar="N",
            help="Instead of pages: issue N course certificates (render + store) on one run.",
        )

    def handle(self, *args, repeat, registrations, rounds, spreadsheet, invitations, **options):
        if options.get("http_registrations"):
            bench_http_registrations(self.stdout, clients=options["clients"])
            return
        if options.get("http_reads"):
            bench_http_reads(self.stdout, clients=options["clients"] or 8)
            return
        if options.get("evaluation"):
            bench_evaluation(self.stdout, repeat=min(repeat, 5))
            return
        if options.get("readiness"):
            bench_readiness(self.stdout, repeat=repeat)
            return
        if options.get("certificates"):
            bench_certificates(self.stdout, count=options["certificates"])
            return
        if invitations:
            bench_invitations(self.stdout, count=invitations, rounds=rounds)
            return
        if spreadsheet:
            bench_spreadsheet(self.stdout, rows=spreadsheet, rounds=rounds)
            return
        if registrations:
            bench_registrations(self.stdout, clients=registrations, rounds=rounds)
            return
        client = Client(HTTP_HOST="127.0.0.1")
        runs = CourseRun.objects.count()
        self.stdout.write(f"{connection.vendor}, {runs} runs, {repeat} requests per page")
        self.stdout.write(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KB':>7}")
        for label, url in PAGES:
            client.get(url)  # warm caches and imports
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    self.stderr.write(f"{url} answered {response.status_code}")
            timings.sort()
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            self.stdout.write(
                f"{label:32} {statistics.median(timings):10.1f} {p95:8.1f} "
                f"{len(queries):8d} {len(response.content) / 1024:7.1f}"
            )
