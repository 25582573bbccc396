"""The NAPHA national report through HTTP: figures per dimension and period, small counts
suppressed in the page and in both exports, exports with the page's numbers, the therapist
share chart with its table, trend sentence and target."""

import re

import pytest
from django.utils.html import escape

from people.professions import Profession
from reports.models import ReportSettings

from .conftest import NATIONAL_URL, csv_rows, table, tables, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def national(client, napha):
    client.force_login(napha)
    return client


def get(client, query=""):
    response = client.get(f"{NATIONAL_URL}?{query}")
    assert response.status_code == 200
    return response


def number(cell):
    """A cell as the page, the CSV or the XLSX shows it, as a comparable value."""
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).replace("\xa0", "").strip()
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return float(text.replace(",", "."))
    return text


def normalised(rows):
    return [[number(cell) for cell in row] for row in rows]


def expected_rows(ds, by, period="quarter"):
    """Hand-computed (label, registered, attended, completed) as shown (<5 for 1–4)."""
    prof = {code: str(label) for code, label in Profession.choices}
    table = {
        "profession": [
            (prof["job_specialist"], 14, 13, 13),
            (prof["leader"], "<5", 0, 0),
            (prof["therapist"], 14, 13, 11),
        ],
        "course": [(ds.course_a.title, 20, 17, 15), (ds.course_b.title, 10, 9, 9)],
        "provider": [(ds.provider_a.title, 20, 17, 15), (ds.provider_b.title, 10, 9, 9)],
        "employer": [(ds.oslo.name, 17, 14, 13), (ds.vest.name, 13, 12, 11)],
        "county": [(ds.county_oslo.name, 17, 14, 13), (ds.county_vest.name, 13, 12, 11)],
    }
    periods = {
        "year": [("2024", 20, 17, 15), ("2025", 10, 9, 9)],
        "quarter": [("2024 K1", 10, 9, 8), ("2024 K2", 10, 8, 7), ("2025 K1", 10, 9, 9)],
        "month": [("02.2024", 10, 9, 8), ("05.2024", 10, 8, 7), ("02.2025", 10, 9, 9)],
    }
    rows = periods[period] if by == "period" else table[by]
    return normalised([list(row) for row in rows])


CASES = [
    ("profession", "quarter"),
    ("course", "quarter"),
    ("provider", "quarter"),
    ("employer", "quarter"),
    ("county", "quarter"),
    ("period", "year"),
    ("period", "quarter"),
    ("period", "month"),
]


@pytest.mark.parametrize(("by", "period"), CASES)
def test_page_table_has_the_hand_computed_figures(national, dataset, by, period):
    response = get(national, f"by={by}&period={period}")
    rows = table(response, 1)[1:]
    key = (lambda r: r) if by == "period" else (lambda r: str(r[0]))
    assert sorted(normalised(rows), key=key) == sorted(expected_rows(dataset, by, period), key=key)


@pytest.mark.parametrize(
    ("by", "period"), [("profession", "quarter"), ("period", "year"), ("county", "month")]
)
def test_exports_have_the_same_rows_as_the_page(national, dataset, by, period):
    page = normalised(table(get(national, f"by={by}&period={period}"), 1))
    as_csv = csv_rows(get(national, f"by={by}&period={period}&export=csv"))
    as_xlsx = xlsx_rows(get(national, f"by={by}&period={period}&export=xlsx"))
    assert normalised(as_csv)[1:] == page[1:]
    assert normalised(as_xlsx)[1:] == page[1:]
    assert len(as_csv[0]) == len(as_xlsx[0]) == len(page[0]) == 4


def test_small_counts_are_suppressed_everywhere(national, dataset):
    response = get(national, "by=profession&profession=leader")
    assert table(response, 1)[1:] == [[str(Profession.LEADER.label), "<5", "0", "0"]]
    assert escape("<5") in response.content.decode()
    for export, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(get(national, f"by=profession&profession=leader&export={export}"))
        assert [number(c) for c in rows[1]] == [str(Profession.LEADER.label), "<5", 0.0, 0.0]
    # Two leaders: the figure 2 appears nowhere in the table.
    assert "2" not in table(response, 1)[1][1:]


SHARE_BY_COUNTY = [
    # A share next to a hidden count (1-4) would reveal it, so it is hidden too.
    ["2024 K1", "Oslo", 6.0, "<5", "–"],
    ["2024 K2", "Vestland", "<5", 5.0, "–"],
    ["2025 K1", "Oslo", 0.0, 5.0, 0.0],
    ["2025 K1", "Vestland", 5.0, 0.0, 100.0],
]


def test_therapist_share_by_county_and_quarter_table_and_xlsx(national, dataset):
    """The issue's 'done when': therapist share by county and quarter as a chart with its
    table, exported to XLSX with the same numbers."""
    assert dataset.county_oslo.name == "Oslo" and dataset.county_vest.name == "Vestland"
    response = get(national, "per=county&period=quarter")
    page = normalised(table(response, 0))
    assert page[1:] == SHARE_BY_COUNTY
    workbook = xlsx_rows(get(national, "per=county&period=quarter&table=share&export=xlsx"))
    assert normalised(workbook)[1:] == SHARE_BY_COUNTY
    assert workbook[0] == table(response, 0)[0]  # same column headings
    spreadsheet = csv_rows(get(national, "per=county&period=quarter&table=share&export=csv"))
    assert normalised(spreadsheet)[1:] == SHARE_BY_COUNTY

    content = response.content.decode()
    svg = re.search(r'<svg role="img" aria-labelledby="share-title[^"]*".*?</svg>', content, re.S)
    assert svg, "the therapist-share chart"
    svg = svg.group(0)
    assert re.search(r'<title id="share-title">[^<]+</title>', svg)
    # One point per quarter with at least 5 therapists + job specialists.
    # Only periods whose share hides no small count are drawn.
    assert re.findall(r">(\d{4} K\d)</text>", svg) == ["2025 K1"]
    # SVG coordinates are plain numbers, whatever the language's decimal separator.
    for value in re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width)="([^"]*)"', svg):
        assert re.fullmatch(r"[\d.]+%?", value), value


def test_share_per_course(national, dataset):
    ds = dataset
    response = get(national, "per=course&period=quarter")
    assert normalised(table(response, 0))[1:] == [
        ["2024 K1", ds.course_a.title, 6.0, "<5", "–"],
        ["2024 K2", ds.course_a.title, "<5", 5.0, "–"],
        ["2025 K1", ds.course_b.title, 5.0, 5.0, 50.0],
    ]
    workbook = xlsx_rows(get(national, "per=course&period=quarter&table=share&export=xlsx"))
    assert normalised(workbook) == normalised(table(response, 0))


def test_share_of_a_small_group_is_suppressed(national, dataset):
    # Vest only in 2024 K2: 3 therapists + 5 job specialists is enough; filtering to
    # therapists leaves 3, so the share is not shown.
    response = get(national, "per=county&period=quarter&profession=therapist&year_to=2024")
    rows = normalised(table(response, 0))[1:]
    assert rows == [["2024 K1", "Oslo", 6.0, 0.0, 100.0], ["2024 K2", "Vestland", "<5", 0.0, "–"]]


def trend_sentence(response):
    content = response.content.decode()
    start = content.index('<h2 class="w-h2">')
    return re.search(r"<p>(.*?)</p>", content[start:], re.S).group(1)


def test_trend_sentence_and_target(national, dataset):
    response = get(national, "period=quarter")
    sentence = trend_sentence(response)
    # Only 2025 K1 (5 + 5) can be shown: 2024 K1 has 4 job specialists and 2024 K2 has 3
    # therapists, whose shares would reveal those small counts. One period makes no trend.
    assert "2025 K1" not in sentence and "37,5" not in sentence
    assert "40 %" in sentence
    content = response.content.decode()
    assert 'stroke-dasharray="6 4"' in content
    assert 'y1="128.0" y2="128.0"' in content  # 220 - 20 - 180 * 40 %

    settings = ReportSettings.load()
    settings.therapist_share_target = 55
    settings.save()
    response = get(national, "period=quarter")
    assert "55 %" in trend_sentence(response)
    assert "40 %" not in trend_sentence(response)
    assert 'y1="101.0" y2="101.0"' in response.content.decode()  # 220 - 20 - 180 * 55 %
    assert re.search(r'<text [^>]*fill="#a4161a">[^<]*55 %</text>', response.content.decode())


def test_trend_by_year(national, dataset):
    sentence = trend_sentence(get(national, "period=year"))
    # 2024: 9 therapists / 18 = 50 %; 2025: 5 / 10 = 50 %: no change.
    assert "2025" in sentence and "0,0" in sentence


def test_no_trend_with_one_period(national, dataset):
    response = get(national, "year_from=2025")
    assert "2025 K1" not in trend_sentence(response)
    assert "40 %" in trend_sentence(response)


def test_the_participation_chart_and_both_tables_are_there(national, dataset):
    response = get(national, "by=course")
    content = response.content.decode()
    assert re.search(r'<svg role="img" aria-labelledby="participation-title', content)
    assert re.search(r'<title id="participation-title">[^<]+</title>', content)
    assert len(tables(response)) == 2
    assert all(t["caption"] for t in tables(response))


def test_empty_report(national, db):
    response = get(national)
    assert len(tables(response)) == 2
    assert all(len(t["rows"]) == 2 for t in tables(response))  # heading + "no data"


def test_superuser_sees_the_same_figures(client, superuser, napha, dataset):
    client.force_login(superuser)
    as_admin = table(get(client, "by=county"), 1)
    client.force_login(napha)
    assert table(get(client, "by=county"), 1) == as_admin


def test_filters_through_the_form(national, dataset):
    ds = dataset
    query = f"by=course&provider={ds.provider_b.pk}&county={ds.county_vest.pk}"
    assert normalised(table(get(national, query), 1))[1:] == [[ds.course_b.title, 5.0, "<5", "<5"]]
    query = f"by=employer&course={ds.course_a.pk}&year_from=2024&year_to=2024"
    assert normalised(table(get(national, query), 1))[1:] == [
        [ds.oslo.name, 12.0, 9.0, 8.0],
        [ds.vest.name, 8.0, 8.0, 7.0],
    ]


@pytest.mark.parametrize(
    "query", ["by=nonsense&period=decade&per=user", "year_from=abc&county=x&provider=-1"]
)
def test_bad_parameters_fall_back_to_defaults(national, dataset, query):
    response = get(national, query)
    assert len(table(response, 1)) == 4  # by profession: three professions
