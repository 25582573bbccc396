"""The reports cost a fixed number of SQL queries, whatever the number of registrations."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import NATIONAL_URL, PROVIDER_URL, add_runs, grow, table

pytestmark = pytest.mark.django_db

QUERIES = [
    "by=profession&period=quarter",
    "by=course&period=year&per=course",
    "by=provider&period=month",
    "by=employer&per=county",
    "by=county&period=quarter&year_from=2024&profession=therapist",
    "by=period&period=quarter",
    "by=period&period=month&export=xlsx&table=share",
    "by=employer&export=csv",
]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def test_national_view_query_count_does_not_grow(client, napha, dataset):
    client.force_login(napha)
    urls = [f"{NATIONAL_URL}?{q}" for q in QUERIES]
    for url in urls:
        client.get(url)  # warm up per-process caches (content types, site, settings)
    few = {url: count(client, url)[0] for url in urls}
    rows_before = len(table(client.get(urls[3]), 1))
    grow(dataset)  # 10x the registrations, more runs, employers and a county
    many = {url: count(client, url)[0] for url in urls}
    assert len(table(client.get(urls[3]), 1)) > rows_before  # the data really grew
    assert many == few
    assert max(few.values()) <= 30, few


def test_provider_report_query_count_does_not_grow(client, editor_a, dataset):
    client.force_login(editor_a)
    client.get(PROVIDER_URL)
    few, response = count(client, PROVIDER_URL)
    assert len(table(response, 0)) == 3
    grow(dataset)  # 9 more runs of course A with registrations, more of course B
    more, response = count(client, PROVIDER_URL)
    assert len(table(response, 0)) > 3
    add_runs(dataset.course_a, [date(2022, 1, 1)] * 150)
    page_one, response = count(client, PROVIDER_URL)
    assert len(table(response, 0)) == 101
    page_two, _response = count(client, PROVIDER_URL + "?page=2")
    assert few == more == page_one == page_two
    export_few = count(client, PROVIDER_URL + "?export=csv")[0]
    add_runs(dataset.course_a, [date(2022, 2, 1)] * 50)
    assert count(client, PROVIDER_URL + "?export=csv")[0] == export_few
