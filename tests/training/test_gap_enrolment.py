"""From a gap, one click opens the upcoming runs with seats free for that profession (reserved
seats included); a second click opens team enrolment with the colleagues who lack the step
filled in; the coordinator checks the preview and enrols them."""

import re
from html import unescape

import pytest

from enrollment.models import Registration, RegistrationStatus
from training.services.readiness import organisation_readiness

from .conftest import (
    JS,
    TH,
    booked,
    completed,
    person,
    readiness_url,
    reserve,
    text_of,
    upcoming_run,
)

pytestmark = pytest.mark.django_db


def gap_url(org, gap):
    return (
        f"/organisasjon/{org.pk}/opplaering/mangler/?profession={gap.profession}&step={gap.step_pk}"
    )


def links(response):
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())]


def form_data(response, action):
    """What the browser would post from the form with ``action``: hidden fields and the boxes
    that are ticked."""
    html = response.content.decode()
    match = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', html, re.S)
    assert match, f"no form posting to {action}"
    data = {}
    for tag in re.findall(r"<input[^>]*>", match.group(1)):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag).group(1)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def scene(package, courses, tromso, bodo, coordinator):
    """Two therapists at NAV Tromsø lack the basic course (a third has it). A basic course in
    Bodø has two seats left, both reserved for therapists; one in Bergen is full."""
    lacking = [person(tromso, TH, last_name=f"Behandler{i}") for i in (1, 2)]
    completed(person(tromso, TH, last_name="Behandler3"), courses["basic_nord"])
    bodo_run = upcoming_run(courses["basic_nord"], 25, number="1804", capacity=4, title="Bodø")
    reserve(bodo_run, TH, 2)
    for _ in range(2):
        booked(person(bodo, JS), bodo_run)
    full = upcoming_run(courses["basic_vest"], 20, number="4601", capacity=1, title="Bergen")
    booked(person(bodo, JS), full)
    return {"lacking": lacking, "run": bodo_run, "full": full}


def test_from_a_gap_to_team_enrolment_in_two_clicks(client, scene, tromso, coordinator, capture):
    client.force_login(coordinator)
    readiness = client.get(readiness_url(tromso))
    assert "Behandler: 2 av 3 mangler Grunnkurs." in text_of(readiness)
    # Click 1: the gap's link.
    (gap,) = [
        g
        for g in organisation_readiness(tromso).gaps
        if g.title == "Grunnkurs" and g.profession == TH
    ]
    (gap_link,) = [h for h in links(readiness) if f"profession=therapist&step={gap.step_pk}" in h]
    runs_page = client.get(gap_link)
    assert runs_page.status_code == 200
    text = text_of(runs_page)
    assert "Behandler: 2 kolleger mangler dette trinnet: Kari Behandler1, Kari Behandler2." in text
    # The Bodø run has no seat for anyone else, but two reserved for therapists; the full
    # Bergen run is not offered.
    assert "Bodø" in text and "Ledige plasser 2 (av dem 2 reservert for Behandler)" in text
    assert "Bergen" not in text
    # Click 2: into team enrolment, with the two colleagues ticked.
    enrol = f"/kurs/pamelding/{scene['run'].pk}/kolleger/"
    data = form_data(runs_page, enrol)
    assert sorted(data["members"]) == sorted(str(u.pk) for u in scene["lacking"])
    assert data["org"] == [str(tromso.pk)]
    response = client.post(enrol, data)
    assert response.status_code == 302
    preview = client.get(response.url)
    rows = re.findall(
        r"<tr[^>]*>\s*<td>–</td><td>([^<]+)</td><td>[^<]+</td>\s*<td>(.*?)</td>",
        preview.content.decode(),
        re.S,
    )
    assert [(name, " ".join(result.split())) for name, result in rows] == [
        ("Kari Behandler1", "får plass"),
        ("Kari Behandler2", "får plass"),
    ]
    with capture():
        done = client.post(response.url, {})
    assert done.status_code == 302
    registrations = Registration.objects.filter(run=scene["run"], user__in=scene["lacking"])
    assert {r.status for r in registrations} == {RegistrationStatus.CONFIRMED}
    assert all(r.enrolled_by == coordinator for r in registrations)
    # The gap is closed: both are booked now.
    result = organisation_readiness(tromso)
    assert [g.title for g in result.gaps if g.profession == TH] == ["Behandlerkurs"]


def test_colleagues_already_on_a_run_are_not_offered_it_again(client, scene, tromso, coordinator):
    first = scene["lacking"][0]
    other_run = upcoming_run(scene["run"].course, 40, number="5501", title="Tromsø")
    # On the waitlist for Bergen: still lacking (no seat), but not offered Bergen again.
    booked(first, scene["full"])
    client.force_login(coordinator)
    gap = organisation_readiness(tromso).gaps
    (therapists,) = [g for g in gap if g.profession == TH and g.title == "Grunnkurs"]
    page = client.get(gap_url(tromso, therapists))
    data = form_data(page, f"/kurs/pamelding/{other_run.pk}/kolleger/")
    assert sorted(data["members"]) == sorted(str(u.pk) for u in scene["lacking"])


def test_a_closed_gap_says_so(client, scene, tromso, coordinator):
    client.force_login(coordinator)
    (gap,) = [
        g
        for g in organisation_readiness(tromso).gaps
        if g.profession == TH and g.title == "Grunnkurs"
    ]
    tromso_run = upcoming_run(scene["run"].course, 60, number="5501")
    for colleague in scene["lacking"]:
        booked(colleague, tromso_run)
    page = client.get(gap_url(tromso, gap))
    assert page.status_code == 200
    assert (
        "Ingen med yrket Behandler i organisasjonen deres mangler dette trinnet lenger."
        in text_of(page)
    )
