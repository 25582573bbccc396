"""The number of SQL queries for the public listings does not grow with the number of runs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CourseFormat

from .factories import bulk_runs, make_course, make_run, municipality

pytestmark = pytest.mark.django_db

URLS = [
    "/kurs/",
    "/kurs/?page=2",
    "/kurs/?provider=vest&profession=therapist&q=grunnkurs",
    "/api/runs/",
    "/api/runs/?page=3&county=46",
    "/calendar/courses.ics",
    "/calendar/courses.ics?format=in_person",
    "COURSE_FEED",
    "/",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("url", URLS)
def test_query_count_is_independent_of_run_count(client, provider_a, provider_b, catalogue, url):
    nord = make_course(provider_a, "Grunnkurs i IPS", audience=["therapist", "job_specialist"])
    vest = make_course(provider_b, "Grunnkurs i IPS – Vest", audience=["therapist"])
    start = timezone.localdate() + timedelta(days=5)
    for i, course in enumerate([nord, vest, nord, vest, vest]):
        make_run(
            course,
            dates=[start + timedelta(days=i), start + timedelta(days=i + 1)],
            format=CourseFormat.HYBRID if i % 2 else CourseFormat.IN_PERSON,
            municipality=municipality("4601" if i % 2 else "5001"),
        )
    url = url.replace("COURSE_FEED", f"/calendar/course/{vest.pk}.ics")
    client.get(url)  # warm up caches that are not per-run (site root, content types)

    few, _response = count_queries(client, url)
    bulk_runs(nord, 100)
    bulk_runs(vest, 95)
    many, _response = count_queries(client, url)

    assert many == few, f"{url}: {few} queries with 5 runs, {many} with 200"
    assert few <= 25


def test_listings_really_list_the_runs(client, course_a, catalogue):
    bulk_runs(course_a, 200)
    assert client.get("/api/runs/").json()["count"] == 200
    html = client.get("/kurs/").content.decode()
    assert html.count('class="run"') == 20
    body = client.get("/calendar/courses.ics").content
    assert body.count(b"BEGIN:VEVENT") == 200
