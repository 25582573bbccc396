"""Who may do what: only a current coordinator, only for their own organisation and its
members. Everything else is a 404 (ids cannot be probed) or a refusal that changes nothing."""

import pytest
from django.test import Client

from courses.models import RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import register
from organisations.models import Membership, MembershipRole
from tests.factories import make_person

from .conftest import choose, counts, csv_bytes, plan_path, shows, upload

CSV = csv_bytes([["name", "email", "profession"], ["Nina Ny", "nina.ny@example.no", "other"]])


def coordinator_urls(run, org, registration_id, plan_id="0" * 32):
    """(method, path, data) for every coordinator page."""
    return [
        ("get", f"/kurs/pamelding/{run.pk}/kolleger/", {}),
        ("post", f"/kurs/pamelding/{run.pk}/kolleger/", {"newcomers": "A B; a@example.no; other"}),
        ("get", f"/kurs/pamelding/{run.pk}/kolleger/fil/", {}),
        ("post", f"/kurs/pamelding/{run.pk}/kolleger/fil/", {}),
        ("get", f"/kurs/pamelding/{run.pk}/kolleger/{plan_id}/", {}),
        ("post", f"/kurs/pamelding/{run.pk}/kolleger/{plan_id}/", {"mode": "fit"}),
        ("get", f"/organisasjon/{org.pk}/pameldinger/", {}),
        ("get", f"/organisasjon/{org.pk}/pameldinger/?export=csv", {}),
        ("get", f"/organisasjon/{org.pk}/pameldinger/?export=xlsx", {}),
        ("post", f"/organisasjon/{org.pk}/pameldinger/{registration_id}/avmeld/", {}),
        ("get", "/organisasjon/mal-kolleger.xlsx", {}),
        ("get", "/organisasjon/mal-kolleger.csv", {}),
    ]


@pytest.fixture
def setting(run_factory, org_a, coordinator_a):
    run = run_factory(capacity=5)
    colleague = make_person(org_a)
    registration = register(run, colleague)
    return run, registration


def test_plain_member_gets_404_everywhere(client, setting, org_a):
    run, registration = setting
    member = make_person(org_a)
    client.force_login(member)
    before = counts()

    for method, path, data in coordinator_urls(run, org_a, registration.pk):
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, (method, path, response.status_code)

    assert counts() == before
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_former_coordinator_gets_404_and_cannot_apply_an_old_plan(
    client, setting, org_a, coordinator_a
):
    run, _registration = setting
    client.force_login(coordinator_a)
    preview_url = plan_path(choose(client, run, [], newcomers="Nina Ny; nina.ny@example.no; other"))
    assert client.get(preview_url).status_code == 200

    Membership.objects.filter(user=coordinator_a).update(role=MembershipRole.MEMBER)
    before = counts()

    assert client.post(preview_url, {"mode": "fit"}).status_code == 404
    assert client.get(f"/kurs/pamelding/{run.pk}/kolleger/").status_code == 404
    assert counts() == before


def test_anonymous_is_sent_to_login(setting, org_a):
    run, registration = setting
    anonymous = Client()
    for method, path, data in coordinator_urls(run, org_a, registration.pk):
        response = getattr(anonymous, method)(path, data)
        assert response.status_code == 302, (method, path)
        assert response.url.startswith("/accounts/login/?next="), response.url
    assert Registration.objects.count() == 1


def test_coordinator_cannot_see_or_cancel_for_another_organisation(
    coord_client, run_factory, org_a, org_b, member_b
):
    run = run_factory()
    theirs = register(run, member_b)

    assert coord_client.get(f"/organisasjon/{org_b.pk}/pameldinger/").status_code == 404
    assert (
        coord_client.get(f"/organisasjon/{org_b.pk}/pameldinger/", {"export": "csv"}).status_code
        == 404
    )
    before = counts()
    # B's registration through A's overview, and through B's.
    assert (
        coord_client.post(f"/organisasjon/{org_a.pk}/pameldinger/{theirs.pk}/avmeld/").status_code
        == 404
    )
    assert (
        coord_client.post(f"/organisasjon/{org_b.pk}/pameldinger/{theirs.pk}/avmeld/").status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == RegistrationStatus.CONFIRMED
    assert counts() == before
    # A's own overview does not list B's registration.
    overview = coord_client.get(f"/organisasjon/{org_a.pk}/pameldinger/")
    assert member_b.email not in overview.content.decode()
    assert list(overview.context["registrations"]) == []


def test_forged_member_of_another_organisation_is_refused(
    coord_client, run_factory, org_a, member_b
):
    run = run_factory()
    ola = make_person(org_a)
    before = counts()

    for chosen in ([member_b], [ola, member_b], [ola, "999999"], ["abc"], [ola, ola]):
        response = choose(coord_client, run, chosen)
        assert response.status_code == 200, chosen
        assert shows(response, "Choose colleagues from the list.")

    assert counts() == before
    assert not coord_client.session.get("team_plans")
    assert not Registration.objects.filter(user=member_b).exists()


def test_plan_from_another_session_is_404(
    client, run_factory, org_a, org_b, coordinator_a, coordinator_b, member_b
):
    run = run_factory()
    client_b = Client()
    client_b.force_login(coordinator_b)
    plan_b = plan_path(choose(client_b, run, [member_b]))

    client.force_login(coordinator_a)
    before = counts()
    assert client.get(plan_b).status_code == 404
    assert client.post(plan_b, {"mode": "fit"}).status_code == 404
    assert counts() == before

    # B's plan is still B's, and works for B.
    assert client_b.get(plan_b).status_code == 200


def test_plan_is_bound_to_its_run(coord_client, run_factory, org_a):
    run, other_run = run_factory(), run_factory()
    preview_url = plan_path(choose(coord_client, run, [make_person(org_a)]))
    plan_id = preview_url.rstrip("/").rsplit("/", 1)[1]
    before = counts()
    assert (
        coord_client.post(f"/kurs/pamelding/{other_run.pk}/kolleger/{plan_id}/").status_code == 404
    )
    assert counts() == before


def test_org_of_another_organisation_is_404(coord_client, run_factory, org_b, member_b):
    run = run_factory()
    before = counts()
    org = {"org": str(org_b.pk)}
    assert coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/", org).status_code == 404
    response = choose(coord_client, run, [member_b], org=str(org_b.pk))
    assert response.status_code == 404
    assert coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/fil/", org).status_code == 404
    assert upload(coord_client, run, CSV, org=str(org_b.pk)).status_code == 404
    assert coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/", {"org": "x"}).status_code == 404
    assert counts() == before


def test_own_org_id_is_accepted(coord_client, run_factory, org_a):
    run = run_factory()
    assert (
        coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/", {"org": org_a.pk}).status_code
        == 200
    )


@pytest.mark.parametrize("status", [RunStatus.DRAFT, RunStatus.CANCELLED])
def test_runs_that_are_not_published_are_404(status, coord_client, run_factory, org_a):
    run = run_factory(status=status)
    assert coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/").status_code == 404
    assert choose(coord_client, run, [make_person(org_a)]).status_code == 404
    assert upload(coord_client, run, CSV).status_code == 404
    assert not Registration.objects.exists()


def test_closed_registration_refuses_the_whole_team(coord_client, run_factory, org_a, capture):
    from datetime import timedelta

    from django.utils import timezone

    run = run_factory()
    team = [make_person(org_a), make_person(org_a)]
    preview_url = plan_path(choose(coord_client, run, team))
    type(run).objects.filter(pk=run.pk).update(
        registration_opens_at=timezone.now() - timedelta(days=2),
        registration_closes_at=timezone.now() - timedelta(days=1),
    )
    before = counts()
    with capture():
        refused = coord_client.post(preview_url, {"mode": "fit"})
    assert refused.status_code == 409
    assert counts() == before
