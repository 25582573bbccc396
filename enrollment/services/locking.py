"""The run lock: every change to a run's registrations happens inside one transaction that
first locks the run's row, then checks, then writes. Two requests for the last seat therefore
queue up instead of both seeing it free.

On PostgreSQL this is ``SELECT ... FOR UPDATE`` with a lock timeout; a timeout becomes
``RunBusy`` ("busy, try again") rather than an error page. SQLite serialises writers itself.
``ENROLLMENT_LOCK_RUNS = False`` exists only so a test can show the race the lock prevents.
"""

import time

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Prefetch

from courses.models import CourseRun, CourseSession

from .errors import RunBusy


def lock_run(run_id):
    """Lock and return the run. Must be called inside ``transaction.atomic()``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_run() must be called inside a transaction")
    runs = CourseRun.objects.select_related("course").prefetch_related(
        "reserved_seats", Prefetch("sessions", queryset=CourseSession.objects.order_by("date"))
    )
    if not getattr(settings, "ENROLLMENT_LOCK_RUNS", True):
        run = runs.get(pk=run_id)
    else:
        if connection.vendor == "postgresql":
            timeout = int(getattr(settings, "ENROLLMENT_LOCK_TIMEOUT_MS", 15000))
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {timeout}")
        try:
            run = runs.select_for_update(of=("self",)).get(pk=run_id)
        except OperationalError as exc:
            raise RunBusy() from exc
    return run


def pause_for_race_test():
    """Test-only: widen the gap between check and write (0 in every real setting), so the
    test that switches the lock off reliably shows the overbooking the lock prevents."""
    pause = getattr(settings, "ENROLLMENT_TEST_PAUSE_AFTER_CHECK", 0)
    if pause:
        time.sleep(pause)
