"""Enrolling from a spreadsheet: CSV (comma, or semicolon with BOM as Excel writes it) and
XLSX, Norwegian or English headers, professions by label or code. A bad file is refused with
one clear message and creates nothing; a file with bad rows gets a per-row report and nothing
is applied until it is fixed."""

import io
import random
import zipfile

import pytest
from django.core import mail
from django.utils.translation import gettext
from openpyxl import load_workbook

from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import register
from outbox.models import OutgoingMessage
from people.models import User
from people.professions import Profession
from tests.factories import make_person

from .conftest import (
    XLSX,
    counts,
    csv_bytes,
    enrol_url,
    messages_to,
    overview_url,
    plan_path,
    rewrite_xlsx,
    sent_to,
    shows,
    text_of,
    upload,
    xlsx_bomb,
    xlsx_bytes,
)

STATUS = RegistrationStatus
EN_HEADER = ["name", "email", "profession"]
NB_HEADER = ["navn", "e-post", "yrke"]


def professions_of(emails):
    return dict(User.objects.filter(email__in=emails).values_list("email", "profession"))


def apply(client, preview_url, capture, mode="fit"):
    with capture():
        response = client.post(preview_url, {"mode": mode})
    assert response.status_code == 302, text_of(response)[:2000]
    return response


# --- files that are read ---------------------------------------------------------------------


def test_csv_with_commas_and_codes(coord_client, run_factory, capture):
    run = run_factory(capacity=5)
    content = csv_bytes(
        [
            EN_HEADER,
            ["Nina Ny", "nina.ny@example.no", "job_specialist"],
            ["Tor Terapeut", "tor@example.no", "therapist"],
        ]
    )
    preview_url = plan_path(upload(coord_client, run, content))

    preview = coord_client.get(preview_url)
    assert preview.status_code == 200
    assert [(e.row, e.email, e.profession, e.outcome) for e in preview.context["entries"]] == [
        (2, "nina.ny@example.no", "job_specialist", "held"),
        (3, "tor@example.no", "therapist", "held"),
    ]
    apply(coord_client, preview_url, capture)
    assert professions_of(["nina.ny@example.no", "tor@example.no"]) == {
        "nina.ny@example.no": "job_specialist",
        "tor@example.no": "therapist",
    }


def test_csv_with_semicolons_bom_and_norwegian_headers_and_labels(
    coord_client, run_factory, capture
):
    """As Excel in Norway saves 'CSV UTF-8': BOM, semicolons, CRLF; Norwegian column names and
    profession labels in any case, or codes, or English labels."""
    run = run_factory(capacity=10)
    rows = [
        NB_HEADER,
        ["Åse Ødegård", "ase@example.no", "Behandler"],
        ["Jon Jobb", "jon@example.no", "jobbspesialist"],
        ["Lise Leder", "LISE@Example.no", " Leader "],
        ["Per Veileder", "per@example.no", "supervisor"],
    ]
    content = csv_bytes(rows, delimiter=";", bom=True)
    assert content.startswith(b"\xef\xbb\xbfnavn;e-post;yrke\r\n")

    preview_url = plan_path(upload(coord_client, run, content, name="Kolleger.CSV"))
    preview = coord_client.get(preview_url)
    assert not preview.context["problems"]
    assert "Åse Ødegård" in text_of(preview)
    apply(coord_client, preview_url, capture)

    assert professions_of(
        ["ase@example.no", "jon@example.no", "lise@example.no", "per@example.no"]
    ) == {
        "ase@example.no": Profession.THERAPIST,
        "jon@example.no": Profession.JOB_SPECIALIST,
        "lise@example.no": Profession.LEADER,
        "per@example.no": Profession.SUPERVISOR,
    }
    ase = User.objects.get(email="ase@example.no")
    assert (ase.first_name, ase.last_name) == ("Åse", "Ødegård")


def test_xlsx_with_norwegian_headers(coord_client, run_factory, org_a, capture):
    run = run_factory(capacity=2)
    member = make_person(org_a, first_name="Mona", last_name="Medlem", email="mona@example.no")
    content = xlsx_bytes(
        [
            ["Navn", "E-post", "Yrke"],
            ["Mona Medlem", "mona@example.no", "Jobbspesialist"],
            [None, None, None],  # a blank row is skipped, and the numbering follows the sheet
            ["Nina Ny", "nina.ny@example.no", "Behandler"],
            ["Tor Terapeut", "tor@example.no", "therapist"],
        ]
    )
    preview_url = plan_path(
        upload(coord_client, run, content, name="kolleger.xlsx", content_type=XLSX)
    )

    entries = coord_client.get(preview_url).context["entries"]
    assert [(e.row, e.email, e.invite, e.outcome) for e in entries] == [
        (2, "mona@example.no", False, "confirmed"),
        (4, "nina.ny@example.no", True, "held"),
        (5, "tor@example.no", True, "waitlisted"),
    ]
    apply(coord_client, preview_url, capture)
    assert Registration.objects.get(user=member).status == STATUS.CONFIRMED
    assert Registration.objects.get(user__email="nina.ny@example.no").status == STATUS.OFFERED
    assert Registration.objects.get(user__email="tor@example.no").status == STATUS.WAITLISTED
    assert [m.kind for m in messages_to("tor@example.no")] == ["enrolled_invite"]


def test_xlsx_named_csv_is_read_as_xlsx(coord_client, run_factory):
    run = run_factory()
    content = xlsx_bytes([EN_HEADER, ["Nina Ny", "nina.ny@example.no", "other"]])
    preview_url = plan_path(upload(coord_client, run, content, name="kolleger.csv"))
    [entry] = coord_client.get(preview_url).context["entries"]
    assert entry.email == "nina.ny@example.no" and entry.profession == "other"


# --- files that are refused ------------------------------------------------------------------


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hei")
    return buffer.getvalue()


BAD_FILES = {
    "wrong columns": (
        "kolleger.csv",
        b"fornavn,etternavn,telefon\r\nKari,Nordmann,12345678\r\n",
        "The first row must name the columns name, email and profession (missing: %(m)s).",
        {"m": "name, email, profession"},
    ),
    "one column missing": (
        "kolleger.csv",
        b"navn;e-post\r\nKari Nordmann;kari@example.no\r\n",
        "The first row must name the columns name, email and profession (missing: %(m)s).",
        {"m": "profession"},
    ),
    "empty file": ("kolleger.csv", b"", None, None),
    "only blank lines": ("kolleger.csv", b"\r\n \r\n\t\r\n", "The file is empty.", {}),
    "empty rows with delimiters": ("kolleger.csv", b";;\r\n;;\r\n", "The file is empty.", {}),
    "header only": (
        "kolleger.csv",
        "\ufeffnavn;e-post;yrke\r\n".encode(),
        "The file has no rows below the column names.",
        {},
    ),
    "too large": (
        "kolleger.csv",
        b"name,email,profession\r\n" + b"x" * (10 * 1024 * 1024),
        "The file is too large (%(size)d MB). The limit is 2 MB.",
        {"size": 10},
    ),
    "latin-1": (
        "kolleger.csv",
        "navn;e-post;yrke\r\nÆrlig Østbø Åsen;aerlig@example.no;Behandler\r\n".encode("latin-1"),
        "The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (comma delimited)'.",
        {},
    ),
    "text named xlsx": (
        "kolleger.xlsx",
        b"name,email,profession\r\nKari Nordmann,kari@example.no,other\r\n",
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "random bytes named xlsx": (
        "kolleger.xlsx",
        random.Random(7).randbytes(4096),
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "zip that is not a workbook": (
        "kolleger.xlsx",
        _zip_without_workbook(),
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "broken zip": (
        "kolleger.xlsx",
        b"PK\x03\x04" + random.Random(8).randbytes(512),
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "binary with NUL bytes": (
        "kolleger.csv",
        b"name,email,profession\r\n\x00\x01\x02\x03",
        "The file is not a CSV or XLSX file.",
        {},
    ),
    "too many rows": (
        "kolleger.csv",
        b"name,email,profession\r\n"
        + b"".join(b"P %d,p%d@example.no,other\r\n" % (i, i) for i in range(1001)),
        "The file has more than %(max)d rows; at most %(max)d can be enrolled at once.",
        {"max": 1000},
    ),
    "empty xlsx": (
        "kolleger.xlsx",
        xlsx_bytes([]),
        "The file is empty.",
        {},
    ),
    "xlsx header only": (
        "kolleger.xlsx",
        xlsx_bytes([NB_HEADER]),
        "The file has no rows below the column names.",
        {},
    ),
    "xlsx without a sheet": (
        "kolleger.xlsx",
        rewrite_xlsx(
            xlsx_bytes([NB_HEADER, ["Kari Nordmann", "kari@example.no", "Annet"]]),
            {
                "xl/workbook.xml": (
                    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                    b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships"><sheets/></workbook>'
                ),
                "xl/worksheets/sheet1.xml": None,
            },
        ),
        "The Excel file has no sheet.",
        {},
    ),
    "xlsx sheet that is not XML": (
        "kolleger.xlsx",
        rewrite_xlsx(xlsx_bytes([NB_HEADER]), {"xl/worksheets/sheet1.xml": b"<row><c>"}),
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "xlsx with an XML entity bomb": (
        "kolleger.xlsx",
        rewrite_xlsx(
            xlsx_bytes([NB_HEADER]),
            {
                "xl/worksheets/sheet1.xml": (
                    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row>'
                    b"</sheetData></worksheet>"
                )
            },
        ),
        "The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.",
        {},
    ),
    "xlsx declaring a million rows": (
        "kolleger.xlsx",
        rewrite_xlsx(
            xlsx_bytes([NB_HEADER, ["Kari Nordmann", "kari@example.no", "Annet"]]),
            {
                "xl/worksheets/sheet1.xml": (
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><dimension ref="A1:C1048576"/><sheetData/></worksheet>'
                )
            },
        ),
        "The file has more than %(max)d rows; at most %(max)d can be enrolled at once.",
        {"max": 1000},
    ),
    "xlsx with too many rows": (
        "kolleger.xlsx",
        xlsx_bytes([NB_HEADER] + [[f"P {i}", f"p{i}@example.no", "Annet"] for i in range(1001)]),
        "The file has more than %(max)d rows; at most %(max)d can be enrolled at once.",
        {"max": 1000},
    ),
    "highly compressed sheet": (
        "kolleger.xlsx",
        xlsx_bomb(4 * 1024 * 1024),
        "The Excel file would unpack to far more data than a list of colleagues needs. "
        "Save the list as a new XLSX or CSV file with only the colleagues.",
        {},
    ),
    "csv field over 128 KB": (
        "kolleger.csv",
        b'name,email,profession\r\n"' + b"x" * (200 * 1024) + b'",a@example.no,other\r\n',
        "The text could not be read as CSV (a field is too long or malformed).",
        {},
    ),
    "csv cell over 1000 characters": (
        "kolleger.csv",
        b"name,email,profession\r\n" + b"x" * 5000 + b",a@example.no,other\r\n",
        "Row %(row)d has a cell longer than %(max)d characters.",
        {"row": 2, "max": 1000},
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_and_creates_nothing(case, coord_client, run_factory, org_a, capture):
    run = run_factory()
    make_person(org_a, email="kari@example.no")
    name, content, message, params = BAD_FILES[case]
    before = counts()

    with capture():
        response = upload(coord_client, run, content, name=name)

    assert response.status_code == 400
    if message is None:  # an empty upload: either 'empty' or 'choose a file'
        assert shows(response, "The file is empty.") or shows(response, "Choose a file to upload.")
    else:
        assert shows(response, message, **params), text_of(response)[:3000]
    assert 'type="file"' in response.content.decode()  # the form again
    assert counts() == before
    assert not coord_client.session.get("team_plans")
    assert not mail.outbox


def test_zip_bomb_xlsx_is_refused_before_unpacking(coord_client, run_factory, org_a, capture):
    """An XLSX of a few hundred KB whose sheet unpacks to 64 MB (over a million rows): the zip
    directory gives it away, so it is refused without unpacking the sheet (reading it would
    take minutes and hundreds of MB)."""
    run = run_factory()
    bomb = xlsx_bomb(64 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    before = counts()

    with capture():
        response = upload(coord_client, run, bomb, name="kolleger.xlsx", content_type=XLSX)

    assert response.status_code == 400
    assert shows(
        response,
        "The Excel file would unpack to far more data than a list of colleagues needs. "
        "Save the list as a new XLSX or CSV file with only the colleagues.",
    )
    assert counts() == before
    assert not coord_client.session.get("team_plans")


NEWCOMER_REFUSALS = {
    # Refused before the view by common.middleware (PostgreSQL cannot store NUL).
    "NUL byte in a name": (
        "Kari\x00Nordmann,kari@example.no,other",
        "The request could not be read",
        {},
    ),
    "a field over 128 KB": (
        '"' + "x" * (130 * 1024) + '",kari@example.no,other',
        "The text could not be read as CSV (a field is too long or malformed).",
        {},
    ),
    "a huge box": (
        "Kari Nordmann,kari@example.no,other\n" * 6000,
        "The list is too long (more than %(max)d characters).",
        {"max": 200000},
    ),
}


@pytest.mark.parametrize("case", list(NEWCOMER_REFUSALS))
def test_bad_typed_newcomers_are_refused(case, coord_client, run_factory, capture):
    run = run_factory()
    text, message, params = NEWCOMER_REFUSALS[case]
    before = counts()
    with capture():
        response = coord_client.post(enrol_url(run), {"newcomers": text})
    assert response.status_code in (200, 400)
    assert shows(response, message, **params), text_of(response)[:2000]
    assert counts() == before
    assert not coord_client.session.get("team_plans")


def test_too_long_names_and_emails_are_reported_per_row(coord_client, run_factory, capture):
    run = run_factory()
    long_name = "Kari " + "N" * 200
    long_email = "k" * 250 + "@example.no"
    preview_url = plan_path(
        coord_client.post(
            enrol_url(run),
            {"newcomers": f"{long_name},kari@example.no,other\nOla Nordmann,{long_email},other"},
        )
    )
    preview = coord_client.get(preview_url)
    problems = [e.problems for e in preview.context["entries"]]
    assert gettext("the name is longer than 150 characters") in problems[0]
    assert len(problems[1]) == 1 and long_email in problems[1][0]


def test_no_file_chosen(coord_client, run_factory):
    run = run_factory()
    response = coord_client.post(f"/kurs/pamelding/{run.pk}/kolleger/fil/", {})
    assert response.status_code == 400
    assert shows(response, "Choose a file to upload.")


def test_upload_page_links_the_templates(coord_client, run_factory, org_a):
    run = run_factory()
    page = coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/fil/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "/organisasjon/mal-kolleger.xlsx" in content
    assert "/organisasjon/mal-kolleger.csv" in content
    assert f'name="org" value="{org_a.pk}"' in content


# --- formulas stay text ----------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/","Klikk")'


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formula_names_stay_text_and_are_neutralised_on_export(
    kind, coord_client, run_factory, org_a, capture
):
    run = run_factory(capacity=5)
    rows = [
        EN_HEADER,
        [FORMULA, "formel@example.no", "other"],
        ["@SUM(1+1)", "krull@example.no", "other"],
        ["<script>alert(1)</script>", "skript@example.no", "other"],
    ]
    if kind == "csv":
        response = upload(coord_client, run, csv_bytes(rows, delimiter=";", bom=True))
    else:
        response = upload(
            coord_client,
            run,
            xlsx_bytes(rows, text_cells=True),
            name="kolleger.xlsx",
            content_type=XLSX,
        )
    preview_url = plan_path(response)

    preview = coord_client.get(preview_url)
    assert [e.name for e in preview.context["entries"]] == [
        FORMULA,
        "@SUM(1+1)",
        "<script>alert(1)</script>",
    ]
    html = preview.content.decode()
    assert "<script>alert(1)</script>" not in html  # escaped
    assert FORMULA in text_of(preview)
    apply(coord_client, preview_url, capture)

    person = User.objects.get(email="formel@example.no")
    assert person.get_full_name() == FORMULA  # stored as typed

    export = coord_client.get(overview_url(org_a), {"export": "csv"})
    text = export.content.decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text
    assert "'@SUM(1+1)" in text
    assert "\n=" not in text and ";=" not in text

    workbook = load_workbook(
        io.BytesIO(coord_client.get(overview_url(org_a), {"export": "xlsx"}).content)
    )
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["'" + FORMULA, "'@SUM(1+1)", "<script>alert(1)</script>"])


# --- the report on rows ----------------------------------------------------------------------


def test_preview_names_every_problem_row_and_applies_nothing(
    coord_client, run_factory, org_a, member_b, capture
):
    run = run_factory(capacity=10)
    registered = make_person(org_a, email="registrert@example.no")
    register(run, registered)
    colleague = make_person(
        org_a, email="kollega@example.no", first_name="Kåre", last_name="Kollega"
    )
    content = csv_bytes(
        [
            NB_HEADER,
            ["Nina Ny", "nina.ny@example.no", "Behandler"],  # 2: will be invited
            ["Feil Adresse", "feil.adresse.example.no", "Behandler"],  # 3
            ["Ukjent Yrke", "ukjent@example.no", "astronaut"],  # 4
            ["Nina Igjen", "NINA.NY@example.no", "Behandler"],  # 5: duplicate of 2
            ["Reg Istrert", "registrert@example.no", "jobbspesialist"],  # 6
            ["Berit Vest", member_b.email, "Leder"],  # 7: employed by B
            ["Kåre Kollega", "kollega@example.no", "jobbspesialist"],  # 8: member of A
        ],
        delimiter=";",
        bom=True,
    )
    before = counts()
    preview_url = plan_path(upload(coord_client, run, content))

    preview = coord_client.get(preview_url)
    assert preview.status_code == 200
    report = {
        e.row: (e.ok, e.invite, [str(p) for p in e.problems]) for e in preview.context["entries"]
    }
    assert report[2] == (True, True, [])
    assert report[3][2] == [
        gettext("'%(email)s' is not an email address") % {"email": "feil.adresse.example.no"}
    ]
    assert report[4][2] == [gettext("unknown profession '%(p)s'") % {"p": "astronaut"}]
    assert report[5][2] == [gettext("the same email appears on an earlier row")]
    assert report[6][2] == [gettext("already registered for this course")]
    assert report[7][2] == [gettext("has an account but is not a member of your organisation")]
    assert report[8] == (True, False, [])
    html = text_of(preview)
    for row in (3, 4, 5, 6, 7):
        assert f"<td>{row}</td>" in html
    assert shows(preview, "not a member yet: will be invited, seat held")
    assert "feil.adresse.example.no" in html and "astronaut" in html
    assert len(preview.context["problems"]) == 5
    assert "5" in html and 'name="mode"' not in html

    with capture():
        refused = coord_client.post(preview_url, {"mode": "fit"})
    assert refused.status_code == 409
    assert shows(refused, "Some people cannot be enrolled. Nothing was changed.")
    assert "<td>7</td>" in text_of(refused) and member_b.email in text_of(refused)
    assert counts() == before
    assert not mail.outbox
    assert Registration.objects.filter(user=colleague).count() == 0


def test_twenty_colleagues_from_xlsx_with_one_bad_row(
    coord_client, run_factory, org_a, coordinator_a, capture
):
    """The issue's 'done when': 20 colleagues in an XLSX with one bad row. The bad row is named
    and nothing happens; the corrected file enrols all 20 by the rules, one email each."""
    run = run_factory(capacity=12)
    members = [
        make_person(org_a, email=f"medlem{i}@example.no", first_name="Medlem", last_name=f"Nr{i}")
        for i in range(8)
    ]
    people = [[f"Medlem Nr{i}", f"medlem{i}@example.no", "jobbspesialist"] for i in range(8)]
    people += [[f"Ny Kollega{i}", f"ny{i}@example.no", "Behandler"] for i in range(12)]
    # Members and newcomers interleaved, so both kinds land on either side of the seat limit.
    people = people[0::2] + people[1::2]
    bad = ["Feil Rad", "feil-rad(at)example.no", "Behandler"]
    with_bad = [NB_HEADER, *people[:10], bad, *people[10:]]

    before = counts()
    preview_url = plan_path(
        upload(coord_client, run, xlsx_bytes(with_bad), name="kolleger.xlsx", content_type=XLSX)
    )
    preview = coord_client.get(preview_url)
    [problem] = preview.context["problems"]
    assert problem.row == 12 and problem.email == "feil-rad(at)example.no"
    assert "<td>12</td>" in text_of(preview)
    with capture():
        assert coord_client.post(preview_url, {"mode": "fit"}).status_code == 409
    assert counts() == before
    assert not mail.outbox

    corrected = [NB_HEADER, *people]
    preview_url = plan_path(
        upload(coord_client, run, xlsx_bytes(corrected), name="kolleger.xlsx", content_type=XLSX)
    )
    preview = coord_client.get(preview_url)
    assert not preview.context["problems"]
    assert preview.context["counts"]["confirmed"] + preview.context["counts"]["held"] == 12
    assert preview.context["counts"]["waitlisted"] == 8
    apply(coord_client, preview_url, capture)

    emails = [row[1] for row in people]
    registrations = {
        r.user.email: r for r in Registration.objects.filter(run=run).select_related("user")
    }
    assert sorted(registrations) == sorted(emails)
    # In file order: the first 12 get (or are held) a seat, the other 8 wait.
    for index, email in enumerate(emails):
        status = registrations[email].status
        is_member = email.startswith("medlem")
        if index < 12:
            assert status == (STATUS.CONFIRMED if is_member else STATUS.OFFERED), email
        else:
            assert status == STATUS.WAITLISTED, email
        expected_kind = "enrolled_invite" if not is_member else status
        assert [m.kind for m in messages_to(email)] == [expected_kind], email
        assert len(sent_to(email)) == 1, email
        assert registrations[email].enrolled_by == coordinator_a
    assert (
        Registration.objects.filter(run=run, status__in=[STATUS.CONFIRMED, STATUS.OFFERED]).count()
        == 12
    )
    assert User.objects.filter(email__startswith="ny").count() == 12
    assert all(m.user.current_membership.organisation == org_a for m in registrations.values())
    [summary] = messages_to(coordinator_a)
    assert summary.kind == "team_summary"
    assert len(mail.outbox) == 21
    assert OutgoingMessage.objects.count() == 21
    assert members[0].email in summary.body_text


# --- the template ----------------------------------------------------------------------------


def test_template_downloads(coord_client):
    xlsx = coord_client.get("/organisasjon/mal-kolleger.xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == XLSX
    assert 'filename="kolleger-mal.xlsx"' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("name", "email", "profession")

    csv_response = coord_client.get("/organisasjon/mal-kolleger.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.startswith(b"\xef\xbb\xbfname;email;profession\r\n")

    assert coord_client.get("/organisasjon/mal-kolleger.pdf").status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_template_filled_in_round_trips(kind, coord_client, run_factory):
    run = run_factory()
    template = coord_client.get(f"/organisasjon/mal-kolleger.{kind}").content
    preview_url = plan_path(upload(coord_client, run, template, name=f"mal.{kind}"))
    [entry] = coord_client.get(preview_url).context["entries"]
    assert (entry.name, entry.email, entry.profession, entry.ok) == (
        "Kari Nordmann",
        "kari.nordmann@example.no",
        "job_specialist",
        True,
    )
