"""The public read paths (catalogue, course page, run page, API, feeds) cost at most 10 SQL
queries, signed in or not, and the same number for a handful of runs as for hundreds: built
from scratch (an empty cache) and served from the listing cache."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CourseFormat, ReservedSeats
from enrollment.models import Registration, RegistrationStatus
from portal.public import listing_cache

from .factories import bulk_runs, make_course, make_participant, make_run, municipality

pytestmark = pytest.mark.django_db

BUDGET = 10

URLS = [
    "/kurs/",
    "/kurs/?page=2",
    "/kurs/?page=999",
    "/kurs/?provider=vest&profession=therapist&q=grunnkurs",
    "/en/kurs/",
    "/api/runs/",
    "/api/runs/?page=3&county=46",
    "/calendar/courses.ics",
    "/calendar/courses.ics?format=in_person",
    "COURSE_FEED",
    "COURSE_PAGE",
    "RUN_PAGE",
    "/",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), "\n".join(q["sql"][:160] for q in ctx.captured_queries)


@pytest.fixture
def small_data(provider_a, provider_b, catalogue):
    nord = make_course(provider_a, "Grunnkurs i IPS", audience=["therapist", "job_specialist"])
    vest = make_course(provider_b, "Grunnkurs i IPS – Vest", audience=["therapist"])
    start = timezone.localdate() + timedelta(days=5)
    runs = []
    for i, course in enumerate([nord, vest, nord, vest, vest]):
        runs.append(
            make_run(
                course,
                dates=[start + timedelta(days=i), start + timedelta(days=i + 1)],
                format=CourseFormat.HYBRID if i % 2 else CourseFormat.IN_PERSON,
                municipality=municipality("4601" if i % 2 else "5001"),
            )
        )
    # Seats held, someone waiting and a reservation: every part of a run card is drawn.
    ReservedSeats.objects.create(
        run=runs[0], profession="therapist", seats=2, release_at=timezone.now() + timedelta(3)
    )
    for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        Registration.objects.create(
            run=runs[0], user=make_participant(), status=status, profession="therapist"
        )
    return nord, vest, runs


def grow(nord, vest):
    bulk_runs(nord, 100)
    bulk_runs(vest, 95)


def _url(url, vest, run):
    return (
        url.replace("COURSE_FEED", f"/calendar/course/{vest.pk}.ics")
        .replace("COURSE_PAGE", vest.url)
        .replace("RUN_PAGE", f"/kurs/pamelding/{run.pk}/")
    )


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("url", URLS)
def test_query_count_is_small_and_independent_of_run_count(client, small_data, url, signed_in):
    nord, vest, runs = small_data
    url = _url(url, vest, runs[0])
    if signed_in:
        client.force_login(make_participant())
    client.get(url)  # warm up what is not per-run (site root, content types, session)

    listing_cache.bump()  # every cached listing is stale: built from scratch
    few_cold, sql = count_queries(client, url)
    assert few_cold <= BUDGET, sql
    few_warm, sql = count_queries(client, url)
    assert few_warm <= few_cold, sql

    grow(nord, vest)
    listing_cache.bump()
    many_cold, sql = count_queries(client, url)
    many_warm, _sql = count_queries(client, url)
    assert many_cold == few_cold, f"{url}: {few_cold} queries with 5 runs, {many_cold} with 200"
    assert many_warm == few_warm, f"{url}: {few_warm} cached with 5 runs, {many_warm} with 200"


def test_listings_really_list_the_runs(client, course_a, catalogue):
    bulk_runs(course_a, 200)
    assert client.get("/api/runs/").json()["count"] == 200
    html = client.get("/kurs/").content.decode()
    assert html.count('class="run"') == 20
    assert "200 upcoming courses" in html or "200 kommende kurs" in html
    body = client.get("/calendar/courses.ics").content
    assert body.count(b"BEGIN:VEVENT") == 200
    # A page past the end shows the last page, as before.
    last = client.get("/kurs/?page=999").content.decode()
    assert last.count('class="run"') == 20 and "10" in last
