"""Meeting links per session: a confirmed participant sees a session's link from
MEETING_LINK_LEAD_MINUTES before it starts until it ends; nobody else ever does, and it never
appears in public pages, feeds or the API."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from courses.models import OSLO, CourseFormat, CourseSession
from enrollment.services.registration import register
from tests.factories import make_participant, make_run

LINK = "https://meet.example.no/hemmelig-rom-4711"


@pytest.fixture
def digital_run(clock, course_a):
    clock.move_to(datetime(2026, 3, 2, 12, 0, tzinfo=OSLO))
    run = make_run(course_a, 10, format=CourseFormat.DIGITAL, capacity=1, title="Webinar")
    CourseSession.objects.filter(run=run).update(meeting_url=LINK)
    return run


@pytest.fixture
def confirmed(digital_run, employer):
    person = make_participant(employer)
    register(digital_run, person)
    return person


@pytest.fixture
def waitlisted(digital_run, confirmed, employer):
    person = make_participant(employer)
    register(digital_run, person)
    return person


def my_courses(client, user):
    client.force_login(user)
    return client.get(reverse("my_courses")).content.decode()


def test_link_released_before_the_session_to_confirmed_only(
    client, clock, settings, digital_run, confirmed, waitlisted
):
    start = digital_run.ordered_sessions()[0].starts_at  # 12.03.2026 09:00
    clock.move_to(start - timedelta(minutes=61))
    page = my_courses(client, confirmed)
    assert LINK not in page and "08:00" in page  # when it will appear
    clock.move_to(start - timedelta(minutes=59))
    assert LINK in my_courses(client, confirmed)
    assert LINK not in my_courses(client, waitlisted)
    settings.MEETING_LINK_LEAD_MINUTES = 30
    assert LINK not in my_courses(client, confirmed)
    clock.move_to(start + timedelta(hours=7))  # after the end
    assert LINK not in my_courses(client, confirmed)


def test_link_never_public(client, clock, digital_run, confirmed, waitlisted, catalogue):
    clock.move_to(digital_run.ordered_sessions()[0].starts_at - timedelta(minutes=5))
    assert LINK in my_courses(client, confirmed)
    course = digital_run.course
    urls = [
        reverse("run_detail", args=[digital_run.pk]),
        course.url,
        catalogue.url,
        "/",
        reverse("courses_feed"),
        reverse("course_feed", args=[course.pk]),
        reverse("api_runs"),
        reverse("personal_feed", args=[waitlisted.calendar_token]),
    ]
    for who in (None, waitlisted, make_participant()):
        client.logout()
        if who:
            client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            assert LINK not in response.content.decode(), (who, url)
