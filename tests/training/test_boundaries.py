"""Who sees what: a coordinator only their own organisation's readiness; a resource centre the
grant recipients in its region, aggregated; NAPHA every recipient, aggregated; counts under 5
shown as "<5" in every aggregate."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission

from geo.models import County
from organisations.models import MembershipRole
from organisations.services.memberships import set_employer
from tests.factories import UserFactory
from training.services.readiness import organisation_readiness

from .conftest import (
    JS,
    TH,
    XLSX,
    booked,
    centre_staff,
    completed,
    person,
    readiness_url,
    resource_centre,
    tables,
    text_of,
    upcoming_run,
)

pytestmark = pytest.mark.django_db

REPORT = "/admin/training/readiness/"


# --- coordinators --------------------------------------------------------------------------


@pytest.fixture
def other_org_pages(package, courses, bergen):
    lacking = person(bergen, TH)
    (gap, *_rest) = organisation_readiness(bergen).gaps
    assert lacking in gap.lacking
    return [
        readiness_url(bergen),
        readiness_url(bergen, export="xlsx"),
        readiness_url(bergen, export="pdf"),
        f"/organisasjon/{bergen.pk}/opplaering/mangler/?profession=therapist&step={gap.step_pk}",
    ]


def test_a_coordinator_sees_only_their_own_organisation(
    client, coordinator, tromso, other_org_pages
):
    client.force_login(coordinator)
    assert client.get(readiness_url(tromso)).status_code == 200
    for url in other_org_pages:
        assert client.get(url).status_code == 404, url


def test_members_former_coordinators_and_strangers_see_nothing(
    client, coordinator, tromso, bergen, other_org_pages
):
    member = person(tromso, JS)
    urls = [readiness_url(tromso), readiness_url(tromso, export="xlsx"), *other_org_pages]
    client.force_login(member)
    for url in urls:
        assert client.get(url).status_code == 404, url
    # A coordinator who moves to another employer loses access to the old one.
    set_employer(coordinator, bergen, role=MembershipRole.MEMBER)
    client.force_login(coordinator)
    assert client.get(readiness_url(tromso)).status_code == 404
    client.logout()
    response = client.get(readiness_url(tromso))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_package_certificate_is_only_for_its_holder(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/min-side/opplaeringspakke/999/kursbevis.pdf").status_code == 404


# --- aggregates ----------------------------------------------------------------------------


@pytest.fixture
def country(package, courses, tromso, bodo, bergen):
    """NAV Tromsø (Troms): 10 job specialists, 5 with the basic course. Bodø kommune
    (Nordland): 2 job specialists, 1 with it. Bergen kommune (Vestland): 5 therapists, 2 booked
    on the basic course, none with anything done."""
    for i in range(10):
        user = person(tromso, JS)
        if i < 5:
            completed(user, courses["basic_nord"])
    bodo_people = [person(bodo, JS) for _ in range(2)]
    completed(bodo_people[0], courses["basic_nord"])
    run = upcoming_run(courses["basic_vest"], 20)
    for i in range(5):
        user = person(bergen, TH)
        if i < 2:
            booked(user, run)


def report(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"{REPORT}?{query}")
    assert response.status_code == 200
    (table,) = [t for t in tables(response) if t["caption"].startswith("Opplæringsstatus etter")]
    return response, table["rows"]


def test_napha_sees_every_recipient_with_small_counts_suppressed(client, napha_user, country):
    client.force_login(napha_user)
    _response, rows = report(client)
    assert rows[0] == [
        "Tilskuddsmottaker",
        "Program",
        "Tilskuddsår",
        "Ansatte med obligatorisk opplæring",
        "Fullført pakke",
        "Resten påmeldt",
        "Mangler et trinn",
        "Fullført (%)",
    ]
    assert [r[:1] + r[3:] for r in rows[1:]] == [
        # Booked on the basic course, but the therapists' course is missing: still lacking.
        ["Bergen kommune", "5", "0", "0", "5", "0"],
        ["Bodø kommune", "<5", "<5", "0", "<5", "<5"],
        ["NAV Tromsø", "10", "5", "0", "5", "50"],
        ["Alle", "17", "6", "0", "11", "35"],
    ]
    assert rows[1][1:3] == ["IPS", "år 2 av 3"]
    response, rows = report(client, by="county")
    assert [r[0] for r in rows[1:]] == ["Nordland", "Troms", "Vestland", "Alle"]
    # The chart leaves out the row with small counts, and says so; its figures are in the table.
    text = text_of(response)
    assert "1 rad med små tall er utelatt fra diagrammet." in text
    _response, rows = report(client, by="profession")
    assert [r[:2] for r in rows[1:]] == [
        ["Jobbspesialist", "12"],
        ["Behandler", "5"],
        ["Alle", "17"],
    ]
    _response, rows = report(client, by="programme")
    assert rows[1] == ["IPS", "17", "6", "0", "11", "35"]


def test_a_resource_centre_sees_its_region(client, country):
    nord = resource_centre("IPS ressurssenter Nord", ["1804", "5501"])  # Nordland, Troms
    staff = centre_staff(nord)
    client.force_login(staff)
    response, rows = report(client)
    assert [r[0] for r in rows[1:]] == ["Bodø kommune", "NAV Tromsø", "Alle"]
    assert "Bergen" not in text_of(response)
    # Counties to filter by: only the region's; another county is refused with a message.
    html = response.content.decode()
    assert "Vestland" not in html
    vestland = County.objects.valid_on().get(number="46")
    response, rows = report(client, county=vestland.pk)
    assert "Velg et fylke fra listen." in text_of(response)
    assert [r[0] for r in rows[1:]] == ["Bodø kommune", "NAV Tromsø", "Alle"]
    export = client.get(f"{REPORT}?export=csv")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == ["Bodø kommune", "NAV Tromsø", "Alle"]
    assert lines[1][3:] == ["<5", "<5", "0", "<5", "<5"]


def test_a_resource_centre_without_a_region_sees_no_recipients(client, country):
    staff = centre_staff(resource_centre("IPS ressurssenter Øst", []))
    client.force_login(staff)
    response, rows = report(client)
    assert rows[1:] == [["Ingen data."]]
    assert "Ingen region er satt for IPS ressurssenter Øst ennå" in text_of(response)


def test_others_get_no_aggregate(client, country, coordinator, nord_editor):
    # A provider's editor (admin access, but not resource-centre staff) and a coordinator.
    for user in (nord_editor, coordinator):
        client.force_login(user)
        response = client.get(REPORT)
        assert response.status_code in (302, 403)
        assert "Bergen kommune" not in response.content.decode()
    plain = UserFactory(email="plain@example.no")
    group = Group.objects.create(name="Admin bare (test)")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    plain.groups.add(group)
    client.force_login(plain)
    for url in (REPORT, f"{REPORT}?export=xlsx"):
        response = client.get(url)
        # Wagtail turns the refusal into a redirect to the dashboard with a message.
        assert response.status_code in (302, 403) and response.get("Content-Type", "") != XLSX
