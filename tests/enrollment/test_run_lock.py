"""The run lock's statement is compiled once (``common.compiled``): whatever run it is asked
for next, it must return exactly what the ORM queryset would."""

import pytest
from django.db import transaction

from common.compiled import CompiledQuery
from courses.models import CourseRun, ReservedSeats
from enrollment.services.errors import RunNotFound
from enrollment.services.locking import _runs, lock_run


def _seen(run):
    return (
        {f.attname: getattr(run, f.attname) for f in CourseRun._meta.concrete_fields},
        (run.course.pk, run.course.title, run.course.live, run.course.url_path),
        run.has_prerequisites,
        run.has_reservations,
        [(s.date, s.start_time, s.end_time) for s in run.sessions.all()],
        [(r.profession, r.seats) for r in run.reserved_seats.all()],
    )


@pytest.mark.django_db
def test_every_run_comes_back_as_the_queryset_gives_it(run_factory, django_assert_num_queries):
    plain = run_factory(capacity=12)
    reserved = run_factory(capacity=30, employer_cap=3)
    ReservedSeats.objects.create(
        run=reserved, profession="therapist", seats=4, release_at=reserved.starts_at
    )
    for run in (plain, reserved, plain):  # the second call of the same shape reuses the SQL
        expected = _runs(run.pk).prefetch_related("sessions", "reserved_seats").get()
        with transaction.atomic():
            locked = lock_run(run.pk)
        assert _seen(locked) == _seen(expected)
    with transaction.atomic(), pytest.raises(RunNotFound):
        lock_run(max(plain.pk, reserved.pk) + 1)
    # A second filter on the sessions asks the database again, as after prefetch_related.
    with transaction.atomic():
        locked = lock_run(plain.pk)
    first = locked.sessions.all()[0]
    with django_assert_num_queries(1):
        assert list(locked.sessions.filter(date=first.date)) == [first]


def test_a_query_with_more_than_one_value_is_refused():
    compiled = CompiledQuery(lambda pk: CourseRun.objects.filter(pk=pk, course_id=pk))
    with pytest.raises(ValueError, match="exactly one value"):
        compiled(1)
