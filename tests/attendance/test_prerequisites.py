"""A course that requires another accepts a person once the attendance register has marked
them completed, not before (registration alone, or attendance without a closed register, is
not enough)."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from attendance.models import AttendanceStatus, Certificate
from attendance.services.register import save_register
from enrollment.models import Registration, RegistrationStatus
from tests.factories import make_course, make_person

from .conftest import close_url, enrol, make_sessions_run, three_sessions


@pytest.fixture
def advanced_run(provider_a, course_a):
    course = make_course(provider_a, "Videregående IPS", "videregaende-ips")
    course.prerequisites.set([course_a])
    course.save_revision().publish()
    start = timezone.localdate() + timedelta(days=30)
    return make_sessions_run(course, [(start, time(9), time(15))], capacity=10)


def register_for(client, run):
    return client.post(f"/kurs/pamelding/{run.pk}/", {"needs": ""})


def test_prerequisite_met_only_after_completion(
    organiser, editor_a, course_a, advanced_run, org_a, capture
):
    basic = make_sessions_run(course_a, three_sessions((3, 3, 3)))
    kari = make_person(org_a, first_name="Kari")
    registration = enrol(basic, kari)
    participant = Client()
    participant.force_login(kari)

    response = register_for(participant, advanced_run)
    assert response.status_code >= 400
    assert not Registration.objects.filter(run=advanced_run, user=kari).exists()

    for session in basic.ordered_sessions():
        save_register(session, {registration.pk: (AttendanceStatus.PRESENT, "")}, actor=editor_a)
    # Attended, but the register is not closed yet: still not completed.
    response = register_for(participant, advanced_run)
    assert response.status_code >= 400
    assert not Registration.objects.filter(run=advanced_run, user=kari).exists()

    with capture():
        assert organiser.post(close_url(basic)).status_code == 302
    registration.refresh_from_db()
    assert registration.completed_at is not None
    assert Certificate.objects.filter(registration=registration).count() == 1

    response = register_for(participant, advanced_run)
    assert response.status_code == 303
    assert (
        Registration.objects.get(run=advanced_run, user=kari).status == RegistrationStatus.CONFIRMED
    )
