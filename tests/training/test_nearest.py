"""Next-step suggestions: upcoming runs with a free seat, nearest first (the employer's county,
then neighbouring counties, then digital runs, then further away), with seats reserved for the
person's profession counted and those reserved for others left out."""

import csv
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CourseFormat
from geo.models import County
from training.services.nearest import NEIGHBOURS, NEIGHBOURS_FILE, upcoming_runs

from .conftest import JS, TH, booked, person, reserve, upcoming_run

pytestmark = pytest.mark.django_db


def test_the_neighbour_table_covers_the_15_counties_of_2024_symmetrically():
    counties = set(County.objects.valid_on().values_list("number", flat=True))
    assert len(counties) == 15
    assert set(NEIGHBOURS) == counties
    for county, neighbours in NEIGHBOURS.items():
        assert neighbours, county
        assert county not in neighbours
        assert neighbours <= counties
        for other in neighbours:
            assert county in NEIGHBOURS[other], (county, other)
    with open(NEIGHBOURS_FILE, encoding="utf-8") as handle:
        names = {row["county_number"]: row["county_name"] for row in csv.DictReader(handle)}
    assert names == dict(County.objects.valid_on().values_list("number", "name"))
    # Spot checks against the map: Troms borders Nordland and Finnmark, Oslo only Akershus,
    # Buskerud and Innlandet.
    assert NEIGHBOURS["55"] == {"18", "56"}
    assert NEIGHBOURS["03"] == {"32", "33", "34"}


@pytest.fixture
def spread(courses):
    """Basic-course runs around the country; the far ones start first."""
    basic = courses["basic_nord"]
    return {
        "bergen": upcoming_run(basic, 10, number="4601", title="Bergen"),
        "digital": upcoming_run(
            courses["basic_vest"], 12, fmt=CourseFormat.DIGITAL, title="Digitalt"
        ),
        "oslo_hybrid": upcoming_run(
            basic, 11, number="0301", fmt=CourseFormat.HYBRID, title="Oslo hybrid"
        ),
        "bodo": upcoming_run(basic, 15, number="1804", title="Bodø"),
        "tromso_late": upcoming_run(basic, 60, number="5501", title="Tromsø høst"),
        "tromso": upcoming_run(basic, 40, number="5501", title="Tromsø"),
    }


def titles(runs):
    return [r.display_title for r in runs]


def test_nearest_first_then_neighbours_then_digital(courses, spread):
    ids = {courses["basic_nord"].pk, courses["basic_vest"].pk}
    runs = upcoming_runs(ids, JS, "55")  # Troms
    assert titles(runs) == ["Tromsø", "Tromsø høst", "Bodø", "Oslo hybrid", "Digitalt", "Bergen"]
    assert [r.rank_label for r in runs][:4] == [
        "I fylket ditt",
        "I fylket ditt",
        "I et nabofylke",
        "Digitalt",
    ]
    # From Vestland the order turns around; unknown county: digital before in-person.
    assert titles(upcoming_runs(ids, JS, "46"))[0] == "Bergen"
    assert titles(upcoming_runs(ids, JS, None)) == [
        "Oslo hybrid",
        "Digitalt",
        "Bergen",
        "Bodø",
        "Tromsø",
        "Tromsø høst",
    ]


def test_only_runs_with_a_free_seat_open_for_registration(courses, spread, bodo):
    ids = {courses["basic_nord"].pk}
    booked(person(bodo, JS), spread["bodo"])
    type(spread["bodo"]).objects.filter(pk=spread["bodo"].pk).update(capacity=1)
    type(spread["tromso"]).objects.filter(pk=spread["tromso"].pk).update(
        registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert titles(upcoming_runs(ids, JS, "55")) == ["Tromsø høst", "Oslo hybrid", "Bergen"]


def test_reserved_therapist_seats_count_for_therapists_only(courses, bodo):
    run = upcoming_run(courses["basic_nord"], 20, number="1804", capacity=3, title="Bodø")
    reserve(run, TH, 2)
    booked(person(bodo, JS), run)
    ids = {courses["basic_nord"].pk}
    assert upcoming_runs(ids, JS, "18") == []  # the last two seats are kept for therapists
    (for_therapists,) = upcoming_runs(ids, TH, "18")
    assert (for_therapists.free_for_profession, for_therapists.reserved_for_profession) == (2, 2)


def test_my_courses_suggests_runs_for_the_next_step_nearest_first(
    client, package, courses, spread, tromso
):
    specialist = person(tromso, JS)
    booked(specialist, spread["tromso_late"])
    # Booked: the basic course is no longer next; the network gathering is.
    network_far = upcoming_run(courses["network"], 5, number="4601", title="Nettverk Bergen")
    network_near = upcoming_run(courses["network"], 50, number="5501", title="Nettverk Tromsø")
    client.force_login(specialist)
    text = " ".join(client.get("/min-side/kurs/").content.decode().split())
    assert "Hvor du kan ta Nettverkssamling" in text
    assert text.index(network_near.display_title) < text.index(network_far.display_title)
    assert re.search(
        r"Nettverk Tromsø</a>, [\d.]+ – I fylket ditt \(Tromsø\); 24 ledige plasser", text
    )

    other = person(tromso, JS)
    client.force_login(other)
    text = " ".join(client.get("/min-side/kurs/").content.decode().split())
    listed = re.findall(r'<a href="/kurs/pamelding/\d+/">([^<]+)</a>', text)
    # Five at most, nearest first.
    assert listed == ["Tromsø", "Tromsø høst", "Bodø", "Oslo hybrid", "Digitalt"]
