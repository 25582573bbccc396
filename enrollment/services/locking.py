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
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from courses.models import CoursePage, CourseRun, CourseSession, ReservedSeats

from .errors import RunBusy, RunNotFound

PREREQUISITES = CoursePage.prerequisites.through.objects.all()
COURSE_DEFERRED = [
    f"course__{field.name}"
    for field in CoursePage._meta.concrete_fields
    if field.name not in ("id", "page_ptr", "title", "live", "path", "depth", "url_path")
]


def lock_run(run_id):
    """Lock and return the run. Must be called inside ``transaction.atomic()``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_run() must be called inside a transaction")
    runs = (
        CourseRun.objects.select_related("course")
        # Of the course page, only what registering needs (a page row is wide).
        .defer(*COURSE_DEFERRED)
        .annotate(
            has_prerequisites=Exists(PREREQUISITES.filter(from_coursepage=OuterRef("course"))),
            has_reservations=Exists(ReservedSeats.objects.filter(run=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
        )
    )
    if not getattr(settings, "ENROLLMENT_LOCK_RUNS", True):
        run = runs.filter(pk=run_id).first()
    else:
        _set_lock_timeout()
        try:
            run = runs.select_for_update(of=("self",)).filter(pk=run_id).first()
        except OperationalError as exc:
            raise RunBusy() from exc
    if run is None:
        raise RunNotFound()
    # Most runs reserve no seats: ask for the reservations only when there are some.
    if run.has_reservations:
        prefetch_related_objects([run], "reserved_seats")
    else:
        run._prefetched_objects_cache["reserved_seats"] = ReservedSeats.objects.none()
    return run


def _set_lock_timeout():
    """PostgreSQL connections open with ``lock_timeout`` set to ENROLLMENT_LOCK_TIMEOUT_MS
    (settings); only a different value (a test's) costs a ``SET LOCAL``."""
    if connection.vendor != "postgresql":
        return
    timeout = int(settings.ENROLLMENT_LOCK_TIMEOUT_MS)
    if f"lock_timeout={timeout}" in connection.settings_dict.get("OPTIONS", {}).get("options", ""):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = {timeout}")


def pause_for_race_test():
    """Test-only: widen the gap between check and write (0 in every real setting), so the
    test that switches the lock off reliably shows the overbooking the lock prevents."""
    pause = getattr(settings, "ENROLLMENT_TEST_PAUSE_AFTER_CHECK", 0)
    if pause:
        time.sleep(pause)
