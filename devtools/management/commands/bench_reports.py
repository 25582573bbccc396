"""Time every report and count its queries on the current database:

python manage.py seed_demo --scale      # ~200,000 registrations, ~600,000 attendance rows
python manage.py bench_reports
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from attendance.models import AttendanceRecord
from enrollment.models import Registration

REPORTS = [
    ("national, by profession", "/admin/reports/participation/?by=profession"),
    ("national, by county", "/admin/reports/participation/?by=county&period=quarter"),
    ("national, by course", "/admin/reports/participation/?by=course&per=course"),
    ("national, by provider", "/admin/reports/participation/?by=provider"),
    ("national, by grant recipient", "/admin/reports/participation/?by=employer"),
    ("national, by month", "/admin/reports/participation/?by=period&period=month"),
    ("national, XLSX export", "/admin/reports/participation/?by=county&export=xlsx"),
    ("provider runs (all runs)", "/admin/reports/my-runs/"),
]


class Command(BaseCommand):
    help = "Time each report page and count its SQL queries."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, repeat, **options):
        admin = get_user_model().objects.filter(is_superuser=True).first()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(admin)
        self.stdout.write(
            f"{connection.vendor}: {Registration.objects.count()} registrations, "
            f"{AttendanceRecord.objects.count()} attendance rows"
        )
        self.stdout.write(f"{'report':32} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for label, url in REPORTS:
            timings = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    self.stderr.write(f"{url}: {response.status_code}")
            self.stdout.write(
                f"{label:32} {statistics.median(timings):10.0f} {max(timings):8.0f} "
                f"{len(queries):8d}"
            )
