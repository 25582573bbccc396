"""Many people registering for the last seats at the same moment, on PostgreSQL: the run lock
keeps confirmations within capacity; without it the same scenario overbooks; a lock held too
long becomes a friendly 503."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import override_settings

from courses.models import CourseRun
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.errors import EnrollmentError, RunBusy
from enrollment.services.registration import register
from tests.factories import make_participant

from .conftest import make_course_run, make_employer, nb, requires_postgres

pytestmark = [
    requires_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = 60
SEATS = 10


@pytest.fixture
def crowd(course_a):
    run = make_course_run(course_a, capacity=SEATS)
    employer = make_employer("Stort NAV-kontor")
    users = [make_participant(employer) for _ in range(PEOPLE)]
    for user in users:
        assert user.current_membership is not None  # cached before the threads start
    return run, users


def _register_all(run, users):
    barrier = threading.Barrier(len(users))
    errors = []

    def worker(user):
        try:
            barrier.wait(timeout=30)
            register(CourseRun(pk=run.pk), user)
        except EnrollmentError as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_sixty_people_ten_seats(crowd):
    run, users = crowd
    # A generous lock wait: this test is about correctness, not about how long 60 queued
    # transactions take on a busy CI machine (each renders its email inside the lock).
    with override_settings(ENROLLMENT_LOCK_TIMEOUT_MS=60_000):
        errors = _register_all(run, users)
    assert errors == []
    regs = Registration.objects.filter(run=run)
    assert regs.count() == PEOPLE
    assert regs.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
    waiting = list(regs.filter(status=RegistrationStatus.WAITLISTED).waitlist_order())
    assert len(waiting) == PEOPLE - SEATS
    from enrollment.services.waitlist import position

    positions = [position(r) for r in waiting]
    assert positions == list(range(1, PEOPLE - SEATS + 1))
    times = [r.waitlisted_at for r in waiting]
    assert times == sorted(times)


def test_without_the_lock_the_same_scenario_overbooks(crowd):
    run, users = crowd
    with override_settings(ENROLLMENT_LOCK_RUNS=False, ENROLLMENT_TEST_PAUSE_AFTER_CHECK=0.05):
        _register_all(run, users)
    confirmed = Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED).count()
    assert confirmed > SEATS


def test_lock_timeout_is_a_friendly_503(client, course_a):
    run = make_course_run(course_a, capacity=5)
    user = make_participant()
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                CourseRun.objects.select_for_update().get(pk=run.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        client.force_login(user)
        with override_settings(ENROLLMENT_LOCK_TIMEOUT_MS=200):
            response = client.post(f"/kurs/pamelding/{run.pk}/", {"needs": ""})
    finally:
        release.set()
        holder.join(timeout=30)
    assert response.status_code == 503
    assert nb(RunBusy.default_message) in response.content.decode()
    assert not Registration.objects.filter(run=run).exists()
    assert connection.vendor == "postgresql"
