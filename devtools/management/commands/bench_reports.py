"""Time every report and count its queries on the current database:

python manage.py seed_demo --scale      # ~200,000 registrations, ~600,000 attendance rows
python manage.py bench_reports

Each national report is also answered by hand-written SQL (``devtools/reports_sql.py``: both of
its tables, one statement each) and the page's time is printed as a ratio of it. The two are
timed in turn (SQL, page, SQL, page, ...) so that noise on a shared machine hits both alike,
and each row says PASS or FAIL against the targets: under 1 s, and at most 1.2x the SQL.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attendance.models import AttendanceRecord
from devtools.reports_sql import national_answer
from enrollment.models import Registration

TARGET_MS = 1000
TARGET_RATIO = 1.2

# label, URL, and the same answer by hand-written SQL: (by, period, per) or None
REPORTS = [
    (
        "national, by profession",
        "/admin/reports/participation/?by=profession",
        ("profession", "quarter", "county"),
    ),
    (
        "national, by county",
        "/admin/reports/participation/?by=county&period=quarter",
        ("county", "quarter", "county"),
    ),
    (
        "national, by course",
        "/admin/reports/participation/?by=course&per=course",
        ("course", "quarter", "course"),
    ),
    (
        "national, by provider",
        "/admin/reports/participation/?by=provider",
        ("provider", "quarter", "county"),
    ),
    (
        "national, by grant recipient",
        "/admin/reports/participation/?by=employer",
        ("employer", "quarter", "county"),
    ),
    (
        "national, by month",
        "/admin/reports/participation/?by=period&period=month",
        ("period", "month", "county"),
    ),
    (
        "national, XLSX export",
        "/admin/reports/participation/?by=county&export=xlsx",
        ("county", "quarter", "county"),
    ),
    ("provider runs (all runs)", "/admin/reports/my-runs/", None),
]


class Command(BaseCommand):
    help = "Time each report page and count its SQL queries."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, repeat, **options):
        admin = get_user_model().objects.filter(is_superuser=True).first()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(admin)
        self.stdout.write(
            f"{connection.vendor}: {Registration.objects.count()} registrations, "
            f"{AttendanceRecord.objects.count()} attendance rows"
        )
        self.stdout.write(
            f"{'report':32} {'median ms':>10} {'max ms':>8} {'queries':>8} "
            f"{'SQL ms':>8} {'ratio':>6}  target"
        )
        failed = False
        for label, url, same_answer in REPORTS:
            by_hand = []
            timings = []
            hand_sql = same_answer and connection.vendor == "postgresql"
            for _ in range(repeat):
                if hand_sql:
                    with connection.cursor() as cursor:
                        start = time.perf_counter()
                        national_answer(cursor, *same_answer)
                        by_hand.append((time.perf_counter() - start) * 1000)
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    self.stderr.write(f"{url}: {response.status_code}")
            page = statistics.median(timings)
            hand = statistics.median(by_hand) if by_hand else None
            ok = page < TARGET_MS and (hand is None or page / hand <= TARGET_RATIO)
            failed = failed or not ok
            self.stdout.write(
                f"{label:32} {page:10.0f} {max(timings):8.0f} {len(queries):8d} "
                + (f"{hand:8.0f} {page / hand:5.2f}x" if hand else f"{'–':>8} {'–':>6}")
                + ("  PASS" if ok else "  FAIL")
            )
        self.stdout.write(
            f"Targets: median under {TARGET_MS} ms and at most {TARGET_RATIO}x the hand-written "
            "SQL (national reports). " + ("Some FAIL." if failed else "All PASS.")
        )
