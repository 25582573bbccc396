"""Two coordinators enrol their teams into the same run at the same moment (PostgreSQL): the
run lock makes one team go first, so the seats are never overbooked and nobody is registered
twice."""

import threading

import pytest
from django.core import mail
from django.db import connections
from django.test import override_settings

from courses.models import CourseRun
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.availability import seats_left
from enrollment.services.coordinator import FIT, enrol_team, entries_for_members
from enrollment.services.registration import register
from organisations.models import MembershipRole, Organisation
from outbox.models import OutgoingMessage
from tests.factories import make_person

from .conftest import make_course_run, make_members, requires_postgres

pytestmark = [
    requires_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATUS = RegistrationStatus


@pytest.fixture
def two_teams(course_a):
    run = make_course_run(course_a, capacity=6)
    register(run, make_person(Organisation.objects.create(name="Tredje arbeidsgiver")))
    assert seats_left(run) == 5
    teams = []
    for name in ("NAV Nord", "NAV Sør"):
        org = Organisation.objects.create(name=name)
        coordinator = make_person(org, role=MembershipRole.COORDINATOR)
        members = make_members(org, 4)
        for member in members:
            assert member.current_membership is not None  # cached before the threads start
        teams.append((org, coordinator, members))
    return run, teams


def _enrol_at_once(run, teams):
    barrier = threading.Barrier(len(teams))
    results, errors = {}, []

    def worker(org, coordinator, members):
        try:
            entries = entries_for_members(members)
            barrier.wait(timeout=30)
            results[org.pk] = enrol_team(CourseRun(pk=run.pk), coordinator, org, entries, mode=FIT)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=team) for team in teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.parametrize("pause", [0, 0.05], ids=["no-pause", "pause-inside-lock"])
def test_two_teams_for_five_seats(pause, two_teams):
    run, teams = two_teams
    with override_settings(
        ENROLLMENT_LOCK_TIMEOUT_MS=60_000, ENROLLMENT_TEST_PAUSE_AFTER_CHECK=pause
    ):
        results, errors = _enrol_at_once(run, teams)

    assert errors == []
    assert len(results) == 2
    run.refresh_from_db()
    regs = Registration.objects.filter(run=run)
    holding = regs.filter(status__in=[STATUS.CONFIRMED, STATUS.OFFERED])
    assert holding.count() <= run.capacity
    team_users = [m.pk for _org, _c, members in teams for m in members]
    team_regs = regs.filter(user_id__in=team_users)
    assert team_regs.count() == 8
    assert team_regs.filter(status__in=[STATUS.CONFIRMED, STATUS.OFFERED]).count() == 5
    assert team_regs.filter(status=STATUS.WAITLISTED).count() == 3
    assert seats_left(run) == 0
    # Nobody twice.
    users = list(regs.values_list("user_id", flat=True))
    assert len(users) == len(set(users))
    # One team went first and got all four seats; the other got the last seat and waits.
    confirmed_per_org = sorted(
        team_regs.filter(employer=org, status=STATUS.CONFIRMED).count() for org, _c, _m in teams
    )
    assert confirmed_per_org == [1, 4]
    # One summary per coordinator, one email per person.
    for _org, coordinator, members in teams:
        assert (
            OutgoingMessage.objects.filter(to=coordinator.email, kind="team_summary").count() == 1
        )
        for member in members:
            assert OutgoingMessage.objects.filter(to=member.email).count() == 1
    assert OutgoingMessage.objects.filter(kind="team_summary").count() == 2
    # Delivered once the transactions committed: the third party's confirmation, 8 + 2.
    assert len(mail.outbox) == 11
    for _org, coordinator, members in teams:
        for person in [coordinator, *members]:
            assert sum(person.email in m.to for m in mail.outbox) == 1


def test_without_the_run_lock_the_same_race_overbooks(two_teams):
    """Control: the scenario above is a real race. With the lock switched off (test-only
    setting) both teams plan on the same free seats and the run is overbooked."""
    run, teams = two_teams
    with override_settings(ENROLLMENT_LOCK_RUNS=False, ENROLLMENT_TEST_PAUSE_AFTER_CHECK=0.05):
        _results, errors = _enrol_at_once(run, teams)
    assert errors == []
    holding = Registration.objects.filter(
        run=run, status__in=[STATUS.CONFIRMED, STATUS.OFFERED]
    ).count()
    assert holding > run.capacity
