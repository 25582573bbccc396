"""The coordinator's digest: opt-in, daily or weekly, exactly what happened to colleagues since
the previous one, nothing twice, and no email when nothing happened."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from attendance.services.certificates import issue
from courses.models import OSLO
from enrollment.models import Registration
from enrollment.services.registration import cancel, mark_completed, register
from enrollment.services.waitlist import refresh_run
from organisations.models import Membership
from reports.digests import send_due_digests
from tests.factories import make_participant, make_run
from tests.mail import outbox

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=OSLO)


@pytest.fixture
def opted_in(client, clock, coordinator, employer):
    clock.move_to(MONDAY)
    client.force_login(coordinator)
    response = client.post(reverse("organisation_digest", args=[employer.pk]), {"digest": "daily"})
    assert response.status_code == 302
    return coordinator


@pytest.fixture
def small_run(clock, course_a):
    clock.move_to(MONDAY)
    return make_run(course_a, 20, title="Liten gruppe", capacity=1, offer_window_hours=24)


def digests(coordinator):
    return outbox(to=coordinator, kind="digest")


def test_daily_digest_reports_each_thing_once(clock, opted_in, employer, small_run, editor_a):
    anne = make_participant(employer, first_name="Anne", last_name="Ansatt")
    bo = make_participant(employer, first_name="Bo", last_name="Kollega")
    stranger = make_participant(first_name="Stine", last_name="Fremmed")
    clock.move_to(MONDAY + timedelta(hours=2))
    first = register(small_run, anne)
    register(small_run, bo)  # waitlisted
    register(make_run(small_run.course, 25, title="Annen"), stranger)

    clock.move_to(MONDAY + timedelta(hours=23, minutes=40))
    assert send_due_digests() == 1
    (mail,) = digests(opted_in)
    assert "Anne Ansatt" in mail.body_text and "Bo Kollega" in mail.body_text
    assert "Stine" not in mail.body_text
    assert send_due_digests() == 0  # not due again yet

    # Tuesday: Anne cancels, so Bo is offered the seat (for 24 hours).
    clock.move_to(MONDAY + timedelta(days=1, hours=2))
    cancel(Registration.objects.get(pk=first.pk), actor=anne)
    clock.move_to(MONDAY + timedelta(days=2))
    assert send_due_digests() == 1
    (_, tuesday) = digests(opted_in)
    assert "Meldte seg av" in tuesday.body_text
    text = tuesday.body_text
    assert text.count("Anne Ansatt") == 1 and text.count("Bo Kollega") == 1  # offered only
    # Wednesday: Bo lets the offer lapse; reported once, the next morning.
    clock.move_to(MONDAY + timedelta(days=2, hours=3))
    refresh_run(small_run.pk)
    clock.move_to(MONDAY + timedelta(days=3))
    assert send_due_digests() == 1
    text = digests(opted_in)[-1].body_text
    assert text.count("Bo Kollega") == 1 and "Anne" not in text

    # A quiet day: no email, but the period is used up.
    clock.move_to(MONDAY + timedelta(days=4))
    assert send_due_digests() == 0
    assert len(digests(opted_in)) == 3


def test_completion_and_certificate(clock, opted_in, employer, course_a, editor_a):
    run = make_run(course_a, 1, title="Kort kurs")
    carl = make_participant(employer, first_name="Carl", last_name="Ferdig")
    clock.move_to(MONDAY + timedelta(minutes=1))  # after opting in: reported
    registration = register(run, carl)
    clock.move_to(MONDAY + timedelta(days=2, hours=1))
    registration = mark_completed(registration, actor=editor_a) or Registration.objects.get(
        pk=registration.pk
    )
    issue(Registration.objects.get(pk=registration.pk))
    clock.move_to(MONDAY + timedelta(days=2, hours=2))
    assert send_due_digests() == 1
    text = digests(opted_in)[0].body_text
    assert "Fullførte et kurs" in text
    assert text.count("Carl Ferdig") == 3  # registered, completed, certificate


def test_weekly_and_opt_out(client, clock, opted_in, employer, small_run):
    client.post(reverse("organisation_digest", args=[employer.pk]), {"digest": "weekly"})
    clock.move_to(MONDAY + timedelta(hours=1))
    register(small_run, make_participant(employer, first_name="Dag"))
    clock.move_to(MONDAY + timedelta(days=3))
    assert send_due_digests() == 0  # not a week yet
    clock.move_to(MONDAY + timedelta(days=7))
    assert send_due_digests() == 1
    client.post(reverse("organisation_digest", args=[employer.pk]), {"digest": ""})
    clock.move_to(MONDAY + timedelta(days=30))
    assert send_due_digests() == 0


def test_nobody_else_changes_a_coordinators_choice(client, opted_in, employer):
    other = make_participant()
    client.force_login(other)
    response = client.post(reverse("organisation_digest", args=[employer.pk]), {"digest": ""})
    assert response.status_code == 404
    assert Membership.objects.get(user=opted_in).digest == "daily"
    client.force_login(opted_in)
    response = client.post(reverse("organisation_digest", args=[employer.pk]), {"digest": "x"})
    assert response.status_code == 302
    assert Membership.objects.get(user=opted_in).digest == "daily"
