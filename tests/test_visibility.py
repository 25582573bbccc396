"""Only published, upcoming runs of live course pages reach the public: catalogue, API, feeds
and the course page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import RunStatus

from .factories import make_course, make_run

pytestmark = pytest.mark.django_db

VISIBLE = "Synlig løp"
HIDDEN = ["Utkast-løp", "Avlyst løp", "Tidligere løp", "Løp på upublisert kurs"]


@pytest.fixture
def runs(provider_a, course_a, catalogue):
    draft_course = make_course(provider_a, "Kladdekurs", live=False)
    make_run(course_a, title=VISIBLE)
    make_run(course_a, title="Utkast-løp", status=RunStatus.DRAFT)
    make_run(course_a, title="Avlyst løp", status=RunStatus.CANCELLED)
    make_run(course_a, title="Tidligere løp", days_ahead=-1)
    make_run(draft_course, title="Løp på upublisert kurs")
    return draft_course


def public_texts(client, course):
    return {
        "catalogue": client.get("/kurs/").content.decode(),
        "api": client.get("/api/runs/").content.decode(),
        "feed": client.get("/calendar/courses.ics").content.decode(),
        "course feed": client.get(f"/calendar/course/{course.pk}.ics").content.decode(),
        "course page": client.get(course.url).content.decode(),
    }


def test_only_published_upcoming_runs_are_public(client, runs, course_a):
    for where, text in public_texts(client, course_a).items():
        assert VISIBLE in text, where
        for title in HIDDEN:
            assert title not in text, (where, title)
    assert client.get("/api/runs/").json()["count"] == 1


def test_run_starting_today_is_still_listed(client, course_a, catalogue):
    make_run(course_a, title="Løp i dag", days_ahead=0)
    assert "Løp i dag" in client.get("/kurs/").content.decode()


def test_unpublished_course_has_no_public_feed(client, runs):
    assert client.get(f"/calendar/course/{runs.pk}.ics").status_code == 404


def test_unpublishing_a_course_hides_its_runs(client, runs, course_a):
    assert VISIBLE in client.get("/kurs/").content.decode()
    course_a.unpublish()
    for url in ("/kurs/", "/api/runs/", "/calendar/courses.ics"):
        assert VISIBLE not in client.get(url).content.decode(), url
    assert client.get(f"/calendar/course/{course_a.pk}.ics").status_code == 404


def test_cancelling_a_run_removes_it(client, course_a, catalogue):
    run = make_run(course_a, title="Snart avlyst")
    assert "Snart avlyst" in client.get("/calendar/courses.ics").content.decode()
    run.status = RunStatus.CANCELLED
    run.save()
    assert "Snart avlyst" not in client.get("/calendar/courses.ics").content.decode()
    assert "Snart avlyst" not in client.get("/kurs/").content.decode()


def test_run_is_past_once_its_first_session_is_past(client, course_a, catalogue):
    today = timezone.localdate()
    make_run(course_a, title="Begynt i går", dates=[today - timedelta(days=1), today])
    assert "Begynt i går" not in client.get("/kurs/").content.decode()
