"""Input no view can store is refused with a 400 page in the user's language, before any view
or the database sees it (common.middleware); numbers and search text in filters that the
database cannot take are ignored or reported instead of answering 500."""

import pytest
from django.utils.translation import gettext, override

from people.models import User
from tests.factories import make_run

pytestmark = pytest.mark.django_db

NUL_REQUESTS = [
    ("get", "/calendar/me/abc%00def.ics", None),
    ("get", "/calendar/organiser/abc%00def.ics", None),
    ("get", "/invitasjon/abc%00def/", None),
    ("get", "/tilbud/abc%00/", None),
    ("get", "/certificates/verify/AB%00CD/", None),
    ("get", "/kurs/?q=IPS%00", None),
    ("get", "/api/runs/?q=%00", None),
    ("get", "/kurs/?provider%00=nord", None),
    ("post", "/certificates/verify/", {"code": "AB\x00CD"}),
]


@pytest.mark.parametrize(("method", "url", "data"), NUL_REQUESTS)
def test_nul_bytes_are_refused_in_the_users_language(client, site, method, url, data):
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code == 400
    with override("nb"):
        assert gettext("The request could not be read") in response.content.decode()


def test_the_refusal_is_in_english_under_en(client, site):
    response = client.get("/en/kurs/?q=%00")
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_a_nul_in_a_signed_in_form_changes_nothing(client, site):
    user = User.objects.create_user(email="kari@example.no", first_name="Kari")
    client.force_login(user)
    response = client.post("/min-side/profil/", {"first_name": "Kari\x00", "last_name": "Nordmann"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.first_name == "Kari" and user.last_name == ""


def test_an_absurdly_long_query_value_is_refused(client, site):
    assert client.get("/kurs/?q=" + "a" * 5000).status_code == 400
    assert client.get("/kurs/?q=" + "a" * 100).status_code == 200


@pytest.mark.parametrize("q", ['"', "'", 'IPS"', "a' OR '1'='1", "(*)", "NEAR(", "-", "^"])
def test_quote_characters_in_search_are_harmless(client, catalogue, course_a, q):
    make_run(course_a, 20)
    assert client.get("/kurs/", {"q": q}).status_code == 200
    assert client.get("/api/runs/", {"q": q}).status_code == 200
    assert client.get("/calendar/courses.ics", {"q": q}).status_code == 200


def test_search_still_finds_courses_around_punctuation(client, catalogue, course_a):
    run = make_run(course_a, 20)
    data = client.get("/api/runs/", {"q": '"Grunnkurs"'}).json()
    assert [r["id"] for r in data["results"]] == [run.pk]


HUGE = "9" * 40


@pytest.mark.parametrize(
    "url",
    [
        f"/kurs/pamelding/{HUGE}/",
        f"/calendar/course/{HUGE}.ics",
        f"/kurs/?county={HUGE}&month=0000-01",
        f"/api/runs/?page={HUGE}",
        "/kurs/?month=0000-01",
        "/kurs/?page=-1",
    ],
)
def test_huge_and_odd_numbers_in_urls(client, catalogue, url):
    assert client.get(url).status_code in (200, 404)


@pytest.mark.parametrize("year", ["99999", "10000", "0", "1e3", "²"])
def test_absurd_years_in_the_national_report_are_ignored(client, superuser, site, year):
    client.force_login(superuser)
    url = "/admin/reports/participation/"
    assert client.get(url, {"year_from": year, "year_to": year}).status_code == 200


@pytest.mark.parametrize("value", ["²", "١٢", HUGE, "-3", "2026x"])
@pytest.mark.parametrize(
    "url", ["/admin/reports/evaluations/", "/admin/reports/evaluations/national/"]
)
def test_odd_numbers_in_the_evaluation_reports_are_ignored(client, superuser, site, url, value):
    """Digits of other scripts pass str.isdigit() but not int(): they were a 500."""
    client.force_login(superuser)
    params = {"year_from": value, "year_to": value, "course": value, "run": value}
    assert client.get(url, {**params, "provider": value}).status_code == 200
