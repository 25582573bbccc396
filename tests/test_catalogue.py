"""Filters and search on the public catalogue at /kurs/ (and the same filters in the API)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from courses.models import CourseFormat

from .factories import make_course, make_run, municipality

pytestmark = pytest.mark.django_db

ALFA, BETA, GAMMA = "Alfa-løpet", "Beta-løpet", "Gamma-løpet"


def month_start(months_ahead):
    today = timezone.localdate()
    month = today.month - 1 + months_ahead
    return date(today.year + month // 12, month % 12 + 1, 1)


@pytest.fixture
def runs(provider_a, provider_b, catalogue):
    """Alfa: Nord, therapists, Trondheim, month 1. Beta: Vest, job specialists, digital,
    month 2. Gamma: Vest, job specialists, Bergen, month 1."""
    grunnkurs = make_course(
        provider_a,
        "Grunnkurs i IPS",
        audience=["therapist"],
        summary="Prinsippene i individuell jobbstøtte for behandlere.",
    )
    ung = make_course(
        provider_b,
        "IPS ung",
        audience=["job_specialist", "peer_worker"],
        summary="Jobbstøtte for ungdom mellom 16 og 30 år, utdanning og arbeid.",
    )
    m1, m2 = month_start(2) + timedelta(days=14), month_start(3) + timedelta(days=14)
    return {
        ALFA: make_run(grunnkurs, title=ALFA, dates=[m1], municipality=municipality("5001")),
        BETA: make_run(
            ung,
            title=BETA,
            dates=[m2],
            format=CourseFormat.DIGITAL,
            meeting_url="https://meet.example.no/beta",
        ),
        GAMMA: make_run(ung, title=GAMMA, dates=[m1], municipality=municipality("4601")),
        "m1": f"{m1:%Y-%m}",
        "m2": f"{m2:%Y-%m}",
    }


def listed(client, query=""):
    response = client.get(f"/kurs/?{query}" if query else "/kurs/")
    assert response.status_code == 200
    html = response.content.decode()
    return {title for title in (ALFA, BETA, GAMMA) if title in html}, html


def test_unfiltered_catalogue_lists_all_upcoming_runs(client, runs):
    titles, html = listed(client)
    assert titles == {ALFA, BETA, GAMMA}
    assert 'class="form-errors"' not in html
    # In start order: the two month-1 runs before the month-2 run.
    assert html.index(ALFA) < html.index(BETA) and html.index(GAMMA) < html.index(BETA)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("profession=therapist", {ALFA}),
        ("profession=job_specialist", {BETA, GAMMA}),
        ("profession=leader", set()),
        ("provider=nord", {ALFA}),
        ("provider=vest", {BETA, GAMMA}),
        ("county=50", {ALFA}),
        ("county=46", {GAMMA}),
        ("county=03", set()),
        ("format=digital", {BETA}),
        ("format=in_person", {ALFA, GAMMA}),
        ("format=hybrid", set()),
        ("q=ungdom", {BETA, GAMMA}),
        ("q=behandlere", {ALFA}),
        ("q=grunnkurs", {ALFA}),
        ("q=astrofysikk", set()),
        ("provider=vest&format=in_person", {GAMMA}),
        ("profession=job_specialist&county=46", {GAMMA}),
    ],
)
def test_filters(client, runs, query, expected):
    titles, html = listed(client, query)
    assert titles == expected
    assert 'class="form-errors"' not in html


def test_month_filter(client, runs):
    assert listed(client, f"month={runs['m1']}")[0] == {ALFA, GAMMA}
    assert listed(client, f"month={runs['m2']}")[0] == {BETA}
    assert listed(client, f"month={month_start(5):%Y-%m}")[0] == set()


@pytest.mark.parametrize(
    "query",
    [
        "month=2027-13",
        "month=neste+uke",
        "provider=finnes-ikke",
        "county=99",
        "format=brev",
        "profession=astronaut",
        "q=" + "x" * 300,
    ],
)
def test_invalid_filter_shows_message_and_is_ignored(client, runs, query):
    titles, html = listed(client, query)
    assert 'class="form-errors"' in html
    assert titles == {ALFA, BETA, GAMMA}


def test_invalid_filter_does_not_cancel_valid_ones(client, runs):
    titles, html = listed(client, "provider=nord&month=2027-13")
    assert 'class="form-errors"' in html
    assert titles == {ALFA}


def test_nonsense_page_number_is_harmless(client, runs):
    assert listed(client, "page=abc")[0] == {ALFA, BETA, GAMMA}
    assert listed(client, "page=999")[0] == {ALFA, BETA, GAMMA}


def test_catalogue_shows_place_provider_and_no_meeting_link(client, runs):
    html = listed(client)[1]
    assert "IPS ressurssenter Nord" in html and "IPS ressurssenter Vest" in html
    assert "Trondheim" in html and "Bergen" in html
    assert "meet.example.no" not in html


def test_api_uses_the_same_filters(client, runs):
    def titles(query):
        data = client.get(f"/api/runs/?{query}").json()
        return {run["title"] for run in data["results"]}, data["errors"]

    assert titles("provider=vest") == ({BETA, GAMMA}, {})
    assert titles("county=50") == ({ALFA}, {})
    assert titles(f"month={runs['m2']}") == ({BETA}, {})
    assert titles("q=ungdom&format=digital") == ({BETA}, {})
    found, errors = titles("month=2027-13")
    assert found == {ALFA, BETA, GAMMA}
    assert "month" in errors


def test_feed_uses_the_same_filters(client, runs):
    body = client.get("/calendar/courses.ics?provider=nord").content.decode()
    assert ALFA in body and BETA not in body and GAMMA not in body
