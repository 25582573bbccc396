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
from django.db.models import Exists, OuterRef, prefetch_related_objects

from common.compiled import CompiledQuery
from courses.models import CoursePage, CourseRun, CourseSession, ReservedSeats

from .errors import RunBusy, RunNotFound

PREREQUISITES = CoursePage.prerequisites.through.objects.all()
COURSE_DEFERRED = [
    f"course__{field.name}"
    for field in CoursePage._meta.concrete_fields
    if field.name not in ("id", "page_ptr", "title", "live", "path", "depth", "url_path")
]


def _runs(run_id):
    return (
        CourseRun.objects.select_related("course")
        # Of the course page, only what registering needs (a page row is wide).
        .defer(*COURSE_DEFERRED)
        .annotate(
            has_prerequisites=Exists(PREREQUISITES.filter(from_coursepage=OuterRef("course"))),
            has_reservations=Exists(ReservedSeats.objects.filter(run=OuterRef("pk"))),
        )
        .filter(pk=run_id)
    )


# Compiled once per process: building this queryset cost more CPU than running it.
_locked_run = CompiledQuery(lambda run_id: _runs(run_id).select_for_update(of=("self",)))
_unlocked_run = CompiledQuery(_runs)
_SESSION_ORDER = CourseSession.objects.order_by("date", "start_time")
_sessions = CompiledQuery(lambda run_id: _SESSION_ORDER.filter(run_id=run_id))


def lock_run(run_id):
    """Lock and return the run, with its course, its sessions and its reserved seats. Must be
    called inside ``transaction.atomic()``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_run() must be called inside a transaction")
    if not getattr(settings, "ENROLLMENT_LOCK_RUNS", True):
        runs = _unlocked_run(run_id)
    else:
        _set_lock_timeout()
        try:
            runs = _locked_run(run_id)
        except OperationalError as exc:
            raise RunBusy() from exc
    if not runs:
        raise RunNotFound()
    run = runs[0]
    # As prefetch_related leaves them: a queryset holding its rows (more filters query again).
    sessions = _SESSION_ORDER.filter(run_id=run.pk)
    sessions._result_cache, sessions._prefetch_done = _sessions(run.pk), True
    run._prefetched_objects_cache = {"sessions": sessions}
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
