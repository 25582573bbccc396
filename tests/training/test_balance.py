"""Profession balance at enrolment: the team preview shows the run's therapist share against
NAPHA's target and suggests the organisation's therapists who lack the course."""

import re

import pytest

from reports.models import ReportSettings

from .conftest import JS, LE, TH, booked, completed, person, text_of, upcoming_run
from .test_gap_enrolment import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(courses, bodo):
    """A basic course where one therapist and three job specialists (from Bodø) hold seats."""
    run = upcoming_run(courses["basic_nord"], 30, number="5501", capacity=12, title="Grunnkurs")
    booked(person(bodo, TH), run)
    for _ in range(3):
        booked(person(bodo, JS), run)
    return run


@pytest.fixture
def team(package, courses, tromso, run):
    specialists = [person(tromso, JS, last_name=f"Spesialist{i}") for i in (1, 2)]
    lacking = person(tromso, TH, last_name="Uten")
    # Has the basic course from another centre ("one of"), or is booked on another run: not
    # suggested.
    completed(person(tromso, TH, last_name="Har"), courses["basic_vest"])
    booked(person(tromso, TH, last_name="Booket"), upcoming_run(courses["basic_vest"], 50))
    return {"specialists": specialists, "lacking": lacking}


def preview(client, run, members, **extra):
    response = client.post(
        f"/kurs/pamelding/{run.pk}/kolleger/", {"members": [m.pk for m in members], **extra}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response.url)


def test_preview_shows_share_against_target_and_suggests_therapists(
    client, run, team, coordinator, tromso
):
    settings = ReportSettings.load()
    settings.therapist_share_target = 35
    settings.save()
    client.force_login(coordinator)
    page = preview(client, run, team["specialists"])
    text = text_of(page)
    assert "Balanse mellom yrker" in text
    assert "Behandlerandelen på kurset er 25 % nå (1 behandlere, 3 jobbspesialister)." in text
    assert "Med dette teamet blir den 17 %." in text
    assert "NAPHAs mål er 35 %." in text
    assert "Vurder å melde på behandlere også." in text
    suggested = re.findall(
        r'name="members" value="(\d+)">\s*([^<]+)</label>', page.content.decode()
    )
    assert [name.strip() for _pk, name in suggested] == ["Kari Uten"]
    # Ticking the suggested therapist makes a new plan with the whole team plus them.
    data = form_data(page, f"/kurs/pamelding/{run.pk}/kolleger/")
    assert sorted(data["members"]) == sorted(str(u.pk) for u in team["specialists"])
    data["members"].append(str(team["lacking"].pk))
    response = client.post(f"/kurs/pamelding/{run.pk}/kolleger/", data)
    new_preview = text_of(client.get(response.url))
    for name in ("Kari Spesialist1", "Kari Spesialist2", "Kari Uten"):
        assert name in new_preview
    assert "Med dette teamet blir den 29 %." in new_preview  # 2 of 7


def test_newcomers_typed_in_are_kept_when_therapists_are_added(client, run, team, coordinator):
    client.force_login(coordinator)
    page = preview(
        client, run, team["specialists"][:1], newcomers="Ny Person; ny@example.no; jobbspesialist"
    )
    html = page.content.decode()
    assert re.search(
        r'<textarea name="newcomers" hidden[^>]*>'
        r"Ny Person; ny@example.no; job_specialist</textarea>",
        html,
    )


def test_no_balance_panel_without_job_specialists_or_for_courses_not_for_therapists(
    client, courses, run, team, coordinator, tromso
):
    client.force_login(coordinator)
    only_therapist = preview(client, run, [team["lacking"]])
    assert "Balanse mellom yrker" not in text_of(only_therapist)
    leaders_course = upcoming_run(courses["leaders"], 30, number="5501")
    leader = person(tromso, LE)
    specialist = team["specialists"][0]
    page = preview(client, leaders_course, [specialist, leader])
    assert "Balanse mellom yrker" not in text_of(page)
