"""Readiness costs a fixed number of SQL queries, whatever the number of staff, recipients or
runs (the same builder as ``manage.py bench --readiness``)."""

from io import StringIO

import pytest
from django.core.management.base import OutputWrapper
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.bench_readiness import bench_readiness, build_recipients, coordinator_of
from organisations.models import Organisation
from training.services.readiness import organisation_readiness

from .conftest import JS, person, readiness_url, upcoming_run
from .test_gap_enrolment import gap_url

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def test_organisation_readiness_does_not_grow_with_staff(client, package):
    small, large = build_recipients(1, 8, package=package) + build_recipients(
        1, 80, package=package
    )
    results = {}
    for org in (small, large):
        client.force_login(coordinator_of(org))
        client.get(readiness_url(org))  # warm per-process caches
        results[org.pk] = [
            count(client, readiness_url(org))[0],
            count(client, readiness_url(org, export="xlsx"))[0],
        ]
    assert len(organisation_readiness(large).colleagues) == 80
    assert results[small.pk] == results[large.pk], results
    assert max(results[small.pk]) <= 20, results


def test_gap_page_does_not_grow_with_colleagues_or_runs(client, package, courses):
    small, large = build_recipients(1, 8, package=package) + build_recipients(
        1, 80, package=package
    )
    for day in range(10, 40):
        upcoming_run(courses["basic_nord"], day, number="5501")
    results = []
    for org in (small, large):
        result = organisation_readiness(org)
        gap = max(result.gaps, key=lambda g: len(g.lacking))
        client.force_login(coordinator_of(org))
        url = gap_url(org, gap)
        client.get(url)
        results.append(count(client, url)[0])
    assert results[0] == results[1], results


def test_national_readiness_does_not_grow_with_recipients(client, package, napha_user):
    build_recipients(4, 6, package=package)
    client.force_login(napha_user)
    urls = [f"/admin/training/readiness/?by={by}" for by in ("recipient", "county", "profession")]
    urls.append("/admin/training/readiness/?export=xlsx")
    for url in urls:
        client.get(url)
    few = [count(client, url)[0] for url in urls]
    build_recipients(40, 12, package=package)
    many = [count(client, url)[0] for url in urls]
    _queries, response = count(client, urls[0])
    assert response.content.decode().count("Tilskuddsmottaker ") >= 44  # the data really grew
    assert few == many, (few, many)
    assert max(few) <= 30, few


def test_my_courses_does_not_grow_with_runs(client, package, courses, tromso):
    specialist = person(tromso, JS)
    upcoming_run(courses["basic_nord"], 20, number="5501")
    client.force_login(specialist)
    client.get("/min-side/kurs/")
    few, _response = count(client, "/min-side/kurs/")
    for day in range(21, 60):
        upcoming_run(courses["basic_vest"], day, number="4601")
    many, _response = count(client, "/min-side/kurs/")
    assert few == many


def test_the_bench_prints_times_and_queries_and_leaves_no_data(package):
    before = Organisation.objects.count()
    out = StringIO()
    results = bench_readiness(OutputWrapper(out), staff=20, recipients=5, staff_each=3, repeat=1)
    assert Organisation.objects.count() == before
    assert [label for label, *_rest in results] == [
        "organisation, 20 staff",
        "  export to Excel",
        "national, 5 recipients, by recipient",
        "national, 5 recipients, by county",
        "national, 5 recipients, by profession",
    ]
    assert "median ms" in out.getvalue()
