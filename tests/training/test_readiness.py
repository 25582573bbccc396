"""The coordinator's readiness view: colleagues by role against the package their programme
requires (done, booked or missing), the grant year, the gaps in words, and the exports for the
grant report."""

import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from organisations.models import Grant, Programme
from training.services.readiness import grant_year, organisation_readiness

from .conftest import (
    JS,
    TH,
    XLSX,
    booked,
    completed,
    person,
    readiness_url,
    tables,
    text_of,
    upcoming_run,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(package, courses, tromso, coordinator):
    """Five job specialists (three with the basic course, one booked), two therapists with
    nothing yet, and the coordinator, a leader."""
    specialists = [person(tromso, JS, last_name=f"Spesialist{i}") for i in range(1, 6)]
    for specialist in specialists[:3]:
        completed(specialist, courses["basic_vest"])
    booked(specialists[3], upcoming_run(courses["basic_nord"], 20, title="Grunnkurs Tromsø"))
    therapists = [person(tromso, TH, last_name=f"Behandler{i}") for i in range(1, 3)]
    return {"specialists": specialists, "therapists": therapists, "coordinator": coordinator}


def test_gaps_in_words(staff, tromso):
    result = organisation_readiness(tromso)
    assert result.summary() == (
        "Ingen metodeveileder blant kollegene deres; "
        "1 av 5 jobbspesialister mangler Grunnkurs; "
        "ingen behandler har fått opplæring ennå; "
        "ingen leder har fått opplæring ennå."
    )


def test_two_of_five_job_specialists_lack_the_basic_course(staff, tromso):
    staff["specialists"][3].registrations.update(status="cancelled")
    result = organisation_readiness(tromso)
    assert "2 av 5 jobbspesialister mangler Grunnkurs" in result.summary()
    (gap,) = [g for g in result.gaps if g.profession == JS]
    assert [u.last_name for u in gap.lacking] == ["Spesialist4", "Spesialist5"]


def test_the_readiness_page(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    page = client.get(readiness_url(tromso))
    assert page.status_code == 200
    text = text_of(page)
    year = timezone.localdate().year
    assert f"Tilskudd til IPS fra {year - 1}: år 2 av 3." in text
    assert "Vurdert mot Opplæringspakke IPS, versjon 1 (gjelder fra 01.01.2020)." in text
    # The network gathering is only recommended: three job specialists are done.
    assert "3 av 8 kolleger har fullført pakken." in text
    assert (
        "Jobbspesialist: 1 av 5 mangler Grunnkurs. Finn kurs i Grunnkurs med ledige plasser" in text
    )
    captions = [t["caption"] for t in tables(page)]
    assert captions == [
        "Jobbspesialist: trinn i pakken, fullført, påmeldt eller mangler",
        "Behandler: trinn i pakken, fullført, påmeldt eller mangler",
        "Leder: trinn i pakken, fullført, påmeldt eller mangler",
    ]
    specialists, therapists, leaders = (t["rows"] for t in tables(page))
    assert specialists[0] == ["Navn", "Versjon", "Grunnkurs", "Nettverkssamling (anbefalt)"]
    states = [(row[0], row[2].split(" ")[0], row[3]) for row in specialists[1:]]
    assert states == [
        ("Kari Spesialist1", "Fullført", "Mangler"),
        ("Kari Spesialist2", "Fullført", "Mangler"),
        ("Kari Spesialist3", "Fullført", "Mangler"),
        ("Kari Spesialist4", "Påmeldt:", "Mangler"),
        ("Kari Spesialist5", "Mangler", "Mangler"),
    ]
    assert "Grunnkurs Tromsø" in specialists[4][2]
    assert therapists[0][2:] == ["Grunnkurs", "Behandlerkurs", "Nettverkssamling (anbefalt)"]
    assert leaders[0][2:] == ["Lederkurs", "Nettverkssamling (anbefalt)"]
    # Tables scroll inside a labelled region at narrow widths.
    html = page.content.decode()
    assert (
        html.count('class="table-scroll" role="region" tabindex="0" aria-labelledby="group-') == 3
    )


def test_the_coordinator_finds_it_from_the_organisation_page(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    page = client.get(f"/organisasjon/{tromso.pk}/")
    assert f'href="/organisasjon/{tromso.pk}/opplaering/"' in page.content.decode()


def test_complete_colleagues_count(staff, courses, tromso):
    therapist = staff["therapists"][0]
    completed(therapist, courses["basic_nord"])
    completed(therapist, courses["therapists"])
    result = organisation_readiness(tromso)
    assert (result.complete, result.people) == (4, 8)
    assert "ingen behandler" not in result.summary()
    assert "1 av 2 behandlere mangler Grunnkurs" in result.summary()


def test_grant_years():
    assert str(grant_year(Grant(start_year=2025, end_year=2027), date(2026, 3, 1))) == "år 2 av 3"
    assert str(grant_year(Grant(start_year=2025, end_year=None), date(2025, 1, 1))) == "år 1 av 3"
    assert str(grant_year(Grant(start_year=2027, end_year=2029), date(2026, 12, 31))) == (
        "starter i 2027"
    )
    assert str(grant_year(Grant(start_year=2020, end_year=2023), date(2026, 1, 1))) == (
        "avsluttet i 2023"
    )


def test_another_programme_and_no_grant(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    page = client.get(readiness_url(tromso, programme=Programme.JMO))
    text = text_of(page)
    assert "Ingen tilskudd til JMO er registrert for denne organisasjonen." in text
    assert "NAPHA har ikke publisert en opplæringspakke for JMO ennå." in text


def test_bad_input_gets_a_clear_message(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    page = client.get(readiness_url(tromso, programme="tull"))
    assert page.status_code == 200
    assert "Ukjent program. Viser programmet til organisasjonen deres." in text_of(page)
    page = client.get(readiness_url(tromso, export="doc"))
    assert page.status_code == 400
    assert "Velg Excel, CSV eller PDF for eksporten." in text_of(page)
    for query in ("profession=tull&step=1", "profession=therapist&step=x", ""):
        assert (
            client.get(f"/organisasjon/{tromso.pk}/opplaering/mangler/?{query}").status_code == 404
        )


def test_excel_export_documents_every_colleague(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    response = client.get(readiness_url(tromso, export="xlsx"))
    assert response["Content-Type"] == XLSX
    assert f"opplaering-{tromso.pk}-ips.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "Navn",
        "E-post",
        "Yrke",
        "Pakkeversjon",
        "Grunnkurs",
        "Nettverkssamling",
        "Behandlerkurs",
        "Lederkurs",
        "Fullført pakke",
    )
    assert len(rows) == 9
    first = rows[1]
    assert first[0] == "Kari Spesialist1" and first[2] == "Jobbspesialist" and first[3] == 1
    assert first[4].startswith("Fullført ") and first[6] == "–" and first[8] == "Ja"


def test_pdf_export(client, staff, tromso, coordinator):
    client.force_login(coordinator)
    response = client.get(readiness_url(tromso, export="pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "Opplæringsstatus: NAV Tromsø" in text
    assert "år 2 av 3" in text
    assert "Kari Spesialist5" in text and "Kari Behandler2" in text
    assert "1 av 5 jobbspesialister mangler Grunnkurs" in text
