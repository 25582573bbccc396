"""A participant tells in advance that they cannot come: an excused absence with a reason,
only for their own registration and only before the session starts."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from attendance.models import AttendanceRecord, AttendanceStatus
from tests.factories import make_person

from .conftest import enrol, flashed, make_sessions_run


@pytest.fixture
def running(course_a):
    """A run that has begun: one session two days ago, one in five days."""
    today = timezone.localdate()
    return make_sessions_run(
        course_a,
        [
            (today - timedelta(days=2), time(9), time(15)),
            (today + timedelta(days=5), time(9), time(15)),
        ],
    )


@pytest.fixture
def kari(running, org_a):
    user = make_person(org_a, first_name="Kari")
    return user, enrol(running, user)


def absence_url(registration, session):
    return f"/min-side/kurs/{registration.pk}/fravaer/{session.pk}/"


def test_absence_in_advance_is_excused_with_reason(client, running, kari):
    user, registration = kari
    _past, future = running.ordered_sessions()
    client.force_login(user)
    response = client.post(absence_url(registration, future), {"reason": "Legetime"})
    assert response.status_code == 302
    record = AttendanceRecord.objects.get(registration=registration, session=future)
    assert (record.status, record.reason) == (AttendanceStatus.EXCUSED, "Legetime")
    assert record.recorded_by == user
    # It shows on "my courses".
    page = client.get("/min-side/kurs/")
    assert page.status_code == 200


def test_absence_needs_a_reason(client, running, kari):
    user, registration = kari
    client.force_login(user)
    response = client.post(
        absence_url(registration, running.ordered_sessions()[1]), {"reason": " "}
    )
    assert response.status_code == 302
    assert flashed(response)
    assert not AttendanceRecord.objects.exists()


def test_someone_elses_registration_is_404(client, running, kari, org_a):
    _user, registration = kari
    other = make_person(org_a)
    enrol(running, other)
    client.force_login(other)
    response = client.post(
        absence_url(registration, running.ordered_sessions()[1]), {"reason": "Sabotasje"}
    )
    assert response.status_code == 404
    assert not AttendanceRecord.objects.exists()


def test_session_of_another_run_is_404(client, kari, past_run):
    user, registration = kari
    client.force_login(user)
    response = client.post(
        absence_url(registration, past_run.ordered_sessions()[0]), {"reason": "Syk"}
    )
    assert response.status_code == 404
    assert not AttendanceRecord.objects.exists()


def test_after_the_session_started_nothing_changes(client, running, kari, editor_a):
    user, registration = kari
    past, _future = running.ordered_sessions()
    AttendanceRecord.objects.create(
        registration=registration,
        session=past,
        status=AttendanceStatus.ABSENT,
        recorded_by=editor_a,
        recorded_at=timezone.now(),
    )
    client.force_login(user)
    response = client.post(absence_url(registration, past), {"reason": "Glemte å si fra"})
    assert response.status_code == 302
    assert any("started" in m or "startet" in m for m in flashed(response)), flashed(response)
    record = AttendanceRecord.objects.get(registration=registration, session=past)
    assert (record.status, record.reason) == (AttendanceStatus.ABSENT, "")
