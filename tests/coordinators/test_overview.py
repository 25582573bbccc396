"""The organisation's registrations: filters, export to CSV and Excel, cancelling on a
colleague's behalf (recorded), and what the participant sees."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from enrollment.services.coordinator import enrol_team, entries_for_members
from enrollment.services.registration import cancel, register
from people.professions import Profession
from tests.factories import make_person

from .conftest import messages_to, overview_url, shows, text_of

STATUS = RegistrationStatus


@pytest.fixture
def scene(run_factory, org_a, org_b, coordinator_a, member_b):
    """Two runs; A's people in several statuses and professions; one registration of B."""
    run1 = run_factory(capacity=2, title="Grunnkurs vår")
    run2 = run_factory(capacity=5, title="Grunnkurs høst", days_ahead=60)
    therapist = make_person(
        org_a, profession=Profession.THERAPIST, first_name="Tora", last_name="Terapeut"
    )
    specialists = [
        make_person(org_a, first_name="Jo", last_name=f"Spesialist{i}") for i in range(3)
    ]
    leader = make_person(org_a, profession=Profession.LEADER, first_name="Lea", last_name="Leder")
    # run1: therapist and specialist 0 confirmed (by the coordinator), specialist 1 waitlisted.
    enrol_team(
        run1, coordinator_a, org_a, entries_for_members([therapist, specialists[0], specialists[1]])
    )
    # run2: specialist 2 registered herself; the leader registered and cancelled.
    register(run2, specialists[2])
    cancelled = register(run2, leader)
    cancel(cancelled, actor=leader)
    register(run2, member_b)
    return {
        "run1": run1,
        "run2": run2,
        "therapist": therapist,
        "specialists": specialists,
        "leader": leader,
    }


def listed(response):
    return sorted(r.user.email for r in response.context["registrations"])


def test_overview_lists_own_registrations_with_filters(coord_client, org_a, scene, member_b):
    url = overview_url(org_a)
    everything = coord_client.get(url)
    assert everything.status_code == 200
    assert len(everything.context["registrations"]) == 5
    assert member_b.email not in everything.content.decode()
    content = text_of(everything)
    assert "Tora Terapeut" in content and "Kristin Koord" in content  # enrolled by

    by_status = coord_client.get(url, {"status": "waitlisted"})
    assert listed(by_status) == [scene["specialists"][1].email]
    assert listed(coord_client.get(url, {"status": "cancelled"})) == [scene["leader"].email]
    assert len(coord_client.get(url, {"status": "confirmed"}).context["registrations"]) == 3

    by_run = coord_client.get(url, {"run": scene["run2"].pk})
    assert listed(by_run) == sorted([scene["specialists"][2].email, scene["leader"].email])

    by_profession = coord_client.get(url, {"profession": Profession.THERAPIST})
    assert listed(by_profession) == [scene["therapist"].email]

    combined = coord_client.get(
        url, {"run": scene["run1"].pk, "profession": "job_specialist", "status": "confirmed"}
    )
    assert listed(combined) == [scene["specialists"][0].email]

    # Nonsense filters are ignored, not errors.
    assert (
        len(
            coord_client.get(url, {"status": "x", "run": "abc", "profession": "?"}).context[
                "registrations"
            ]
        )
        == 5
    )

    # The run filter offers only runs with A's registrations.
    assert {r.pk for r in everything.context["runs"]} == {scene["run1"].pk, scene["run2"].pk}


def _csv_rows(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(response):
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, 5),
        ({"status": "confirmed"}, 3),
        ({"profession": "leader"}, 1),
        ({"status": "offered"}, 0),
    ],
)
def test_exports_follow_the_filters(params, expected, coord_client, org_a, scene):
    url = overview_url(org_a)
    shown = len(coord_client.get(url, params).context["registrations"])
    assert shown == expected

    as_csv = coord_client.get(url, {**params, "export": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv")
    assert f'filename="pameldinger-{org_a.pk}.csv"' in as_csv["Content-Disposition"]
    csv_rows = _csv_rows(as_csv)
    assert len(csv_rows) == 1 + expected
    assert len(csv_rows[0]) == 8
    assert csv_rows[0][0] == gettext("Name")

    as_xlsx = coord_client.get(url, {**params, "export": "xlsx"})
    assert as_xlsx.status_code == 200
    assert f'filename="pameldinger-{org_a.pk}.xlsx"' in as_xlsx["Content-Disposition"]
    xlsx_rows = _xlsx_rows(as_xlsx)
    assert len(xlsx_rows) == 1 + expected
    assert [str(h) for h in xlsx_rows[0]] == csv_rows[0]
    # The same people in the same order (column 2 is the email).
    assert [r[1] for r in xlsx_rows[1:]] == [r[1] for r in csv_rows[1:]]


def test_export_content(coord_client, org_a, scene, coordinator_a):
    rows = _csv_rows(
        coord_client.get(overview_url(org_a), {"export": "csv", "profession": "therapist"})
    )
    [row] = rows[1:]
    name, email, profession, course, first_day, status, enrolled_by, completed = row
    assert (name, email) == ("Tora Terapeut", scene["therapist"].email)
    assert profession == str(Profession.THERAPIST.label)
    assert course == scene["run1"].display_title
    first = scene["run1"].ordered_sessions()[0].date
    assert first_day == first.strftime("%d.%m.%Y")
    assert status == str(STATUS.CONFIRMED.label)
    assert enrolled_by == str(coordinator_a)
    assert completed == ""


def test_cancel_on_behalf_is_recorded_and_passes_the_seat_on(
    coord_client, org_a, scene, coordinator_a, django_capture_on_commit_callbacks
):
    registration = Registration.objects.get(user=scene["specialists"][0], run=scene["run1"])
    waiting = Registration.objects.get(user=scene["specialists"][1], run=scene["run1"])
    assert waiting.status == STATUS.WAITLISTED
    page = coord_client.get(overview_url(org_a))
    assert (
        f"/organisasjon/{org_a.pk}/pameldinger/{registration.pk}/avmeld/" in page.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = coord_client.post(
            f"/organisasjon/{org_a.pk}/pameldinger/{registration.pk}/avmeld/"
        )

    assert response.status_code == 302
    assert response.url == overview_url(org_a)
    registration.refresh_from_db()
    assert registration.status == STATUS.CANCELLED
    event = RegistrationEvent.objects.filter(registration=registration).latest("at", "pk")
    assert event.to_status == STATUS.CANCELLED
    assert event.actor == coordinator_a
    assert event.reason == gettext("Cancelled by the coordinator")
    assert "cancelled" in [m.kind for m in messages_to(registration.user)]
    waiting.refresh_from_db()
    assert waiting.status == STATUS.OFFERED
    assert "offered" in [m.kind for m in messages_to(waiting.user)]

    # Cancelling again: an error message, nothing else changes.
    again = coord_client.post(
        f"/organisasjon/{org_a.pk}/pameldinger/{registration.pk}/avmeld/", follow=True
    )
    assert shows(again, "This registration is no longer active.")
    assert RegistrationEvent.objects.filter(registration=registration).count() == 2


def test_cancel_on_behalf_after_the_deadline_is_refused(coord_client, org_a, scene):
    registration = Registration.objects.get(user=scene["therapist"], run=scene["run1"])
    type(scene["run1"]).objects.filter(pk=scene["run1"].pk).update(
        cancellation_deadline=timezone.now() - timedelta(hours=1)
    )
    response = coord_client.post(
        f"/organisasjon/{org_a.pk}/pameldinger/{registration.pk}/avmeld/", follow=True
    )
    assert shows(response, "The cancellation deadline has passed. Contact the organiser.")
    registration.refresh_from_db()
    assert registration.status == STATUS.CONFIRMED


def test_participant_sees_who_enrolled_them_and_can_cancel(
    org_a, scene, coordinator_a, django_capture_on_commit_callbacks
):
    therapist = scene["therapist"]
    registration = Registration.objects.get(user=therapist, run=scene["run1"])
    browser = Client()
    browser.force_login(therapist)

    page = browser.get("/min-side/kurs/")
    assert page.status_code == 200
    assert shows(page, "Enrolled by %(who)s.", who=coordinator_a.get_full_name())
    # Not shown for a registration the person made themselves.
    self_made = Client()
    self_made.force_login(scene["specialists"][2])
    assert "Kristin Koord" not in text_of(self_made.get("/min-side/kurs/"))

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/min-side/kurs/{registration.pk}/avmeld/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == STATUS.CANCELLED
    event = RegistrationEvent.objects.filter(registration=registration).latest("at", "pk")
    assert event.actor == therapist
    # The coordinator's overview shows it cancelled.
    coordinator = Client()
    coordinator.force_login(coordinator_a)
    cancelled = coordinator.get(overview_url(org_a), {"status": "cancelled"})
    assert therapist.email in listed(cancelled)
