"""The read-only JSON API at /api/runs/."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from courses.models import CourseFormat

from .factories import bulk_runs, make_run, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_person(course_a, catalogue):
    start = timezone.localdate() + timedelta(days=20)
    return make_run(
        course_a,
        title="Tromsø, høst",
        dates=[start, start + timedelta(days=1)],
        venue_name="Scandic Ishavshotel",
        venue_address="Fredrik Langes gate 2, 9008 Tromsø",
        municipality=municipality("5501"),
        capacity=30,
        registration_opens_at=timezone.now() - timedelta(days=3),
        registration_closes_at=timezone.now() + timedelta(days=10),
    )


@pytest.fixture
def digital(course_b, catalogue):
    return make_run(
        course_b,
        title="IPS ung digitalt",
        days_ahead=25,
        format=CourseFormat.DIGITAL,
        meeting_url="https://meet.example.no/hemmelig-4711",
        start_time=time(13, 0),
        end_time=time(15, 0),
    )


def by_id(data):
    return {run["id"]: run for run in data["results"]}


def test_run_fields(client, in_person, digital, course_a):
    response = client.get("/api/runs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["count"] == 2 and data["next"] is None and data["previous"] is None
    run = by_id(data)[in_person.pk]

    assert run["title"] == "Tromsø, høst"
    assert run["course"]["id"] == course_a.pk
    assert run["course"]["title"] == "Grunnkurs i IPS"
    assert run["course"]["url"] == f"http://testserver{course_a.url}"
    assert client.get(run["course"]["url"]).status_code == 200
    assert run["provider"] == {"name": "IPS ressurssenter Nord", "slug": "nord"}
    assert run["format"] == "in_person" and run["digital"] is False
    assert run["place"] == {
        "venue": "Scandic Ishavshotel",
        "address": "Fredrik Langes gate 2, 9008 Tromsø",
        "municipality": "Tromsø",
        "county": "Troms",
    }
    assert run["capacity"] == 30 and run["seats_left"] == 30
    assert run["status"] == "published"

    assert len(run["sessions"]) == 2
    for session, day in zip(run["sessions"], in_person.ordered_sessions(), strict=True):
        start = datetime.fromisoformat(session["start"])
        end = datetime.fromisoformat(session["end"])
        assert start.utcoffset() is not None and end.utcoffset() is not None
        assert start == day.starts_at and end == day.ends_at
        assert (start.hour, start.minute, end.hour, end.minute) == (9, 0, 15, 30)

    opens = datetime.fromisoformat(run["registration"]["opens"])
    closes = datetime.fromisoformat(run["registration"]["closes"])
    assert opens == in_person.registration_opens_at
    assert closes == in_person.registration_closes_at


def test_digital_run_has_no_place_and_no_meeting_link(client, digital):
    response = client.get("/api/runs/")
    run = by_id(response.json())[digital.pk]
    assert run["digital"] is True and run["place"] is None
    assert "meeting_url" not in run
    assert "hemmelig-4711" not in response.content.decode()
    # Without a closing time, registration closes when the first session starts.
    closes = datetime.fromisoformat(run["registration"]["closes"])
    assert closes == digital.starts_at and closes.hour == 13
    assert run["registration"]["opens"] is None


def test_hybrid_meeting_link_is_not_exposed(client, course_a, catalogue):
    make_run(course_a, format=CourseFormat.HYBRID, meeting_url="https://meet.example.no/hyb-42")
    body = client.get("/api/runs/").content.decode()
    assert "hyb-42" not in body and "meeting" not in body


def test_pagination(client, course_a, catalogue):
    bulk_runs(course_a, 55)
    first = client.get("/api/runs/?provider=nord").json()
    assert first["count"] == 55 and len(first["results"]) == 50
    assert first["previous"] is None
    assert "page=2" in first["next"] and "provider=nord" in first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    assert "provider=nord" in second["previous"]
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(set(ids)) == 55
    starts = [r["sessions"][0]["start"] for r in first["results"] + second["results"]]
    assert starts == sorted(starts)


def test_filters_and_errors(client, in_person, digital):
    assert [r["id"] for r in client.get("/api/runs/?format=digital").json()["results"]] == [
        digital.pk
    ]
    assert [r["id"] for r in client.get("/api/runs/?provider=nord").json()["results"]] == [
        in_person.pk
    ]
    response = client.get("/api/runs/?county=99&format=digital")
    assert response.status_code == 200
    data = response.json()
    assert "county" in data["errors"]
    assert [r["id"] for r in data["results"]] == [digital.pk]


def test_api_is_read_only(client, in_person):
    assert client.post("/api/runs/", {}).status_code == 405
