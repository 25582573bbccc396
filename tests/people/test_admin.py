"""The Wagtail admin for organisations: lists, filters, merging duplicates, approving requests."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from organisations.models import Invitation, Membership, Organisation, OrganisationStatus

from .conftest import employ, make_account, make_org, municipality


@pytest.fixture
def editor(db):
    """Can use the admin (e.g. a course editor), but has no organisation permissions."""
    group = Group.objects.create(name="Kursredaktører uten organisasjoner")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user = make_account("redaktor.people@example.no")
    user.groups.add(group)
    return user


@pytest.fixture
def duplicate(oslo_nav, coordinator_a):
    """A second registration of NAV Grünerløkka, with its own members and an invitation."""
    dup = make_org("NAV Grunerløkka", number="0301", org_number="")
    for n in range(2):
        employ(make_account(f"dup{n}@example.no"), dup)
    Invitation.objects.create(organisation=dup, email="ventende@example.no")
    return dup


@pytest.fixture
def pending(db):
    requester = make_account("ber.om@example.no")
    org = make_org("Jobbverkstedet", number="5001", status=OrganisationStatus.PENDING)
    org.requested_by = requester
    org.save()
    employ(requester, org)
    return org


def test_index_lists_organisations(admin_client, oslo_nav, bergen_dps):
    response = admin_client.get(reverse("organisations:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "NAV Grünerløkka" in page
    assert "Bjørgvin DPS" in page


def test_index_filters_by_kind_and_county(admin_client, oslo_nav, bergen_dps):
    oslo_county = municipality("0301").county

    response = admin_client.get(
        reverse("organisations:index"), {"kind": "nav_office", "county": oslo_county.pk}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "NAV Grünerløkka" in page
    assert "Bjørgvin DPS" not in page

    response = admin_client.get(
        reverse("organisations:index"), {"kind": "nav_office", "county": bergen_dps.county_id}
    )
    assert response.status_code == 200
    assert "Bjørgvin DPS" not in response.content.decode()


@pytest.mark.parametrize(("query", "found"), [("Bjørgvin", True), ("9236", True), ("Oslo", False)])
def test_index_search(admin_client, oslo_nav, bergen_dps, query, found):
    response = admin_client.get(reverse("organisations:index"), {"q": query})

    assert response.status_code == 200
    assert ("Bjørgvin DPS" in response.content.decode()) is found


def test_pending_list_shows_only_pending(admin_client, oslo_nav, pending):
    response = admin_client.get(reverse("pending_organisations:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Jobbverkstedet" in page
    assert "NAV Grünerløkka" not in page


def test_memberships_index_responds(admin_client, member_a):
    response = admin_client.get(reverse("memberships:index"), {"q": "Medlem"})

    assert response.status_code == 200
    assert "NAV Grünerløkka" in response.content.decode()


def test_merge_form_is_shown(admin_client, duplicate):
    response = admin_client.get(reverse("organisation_merge", args=[duplicate.pk]))

    assert response.status_code == 200
    assert "NAV Grunerløkka" in response.content.decode()


def test_merge_moves_members_and_marks_the_duplicate(admin_client, duplicate, oslo_nav):
    moved_people = set(
        Membership.objects.filter(organisation=duplicate).values_list("user", flat=True)
    )

    response = admin_client.post(
        reverse("organisation_merge", args=[duplicate.pk]), {"target": oslo_nav.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:edit", args=[oslo_nav.pk])
    duplicate.refresh_from_db()
    assert duplicate.status == OrganisationStatus.MERGED
    assert duplicate.merged_into == oslo_nav
    assert not Membership.objects.filter(organisation=duplicate).exists()
    assert moved_people <= set(
        Membership.objects.filter(organisation=oslo_nav).values_list("user", flat=True)
    )
    assert Invitation.objects.get(email="ventende@example.no").organisation == oslo_nav
    # The duplicate no longer appears when people search for an employer.
    assert not Organisation.objects.selectable().filter(pk=duplicate.pk).exists()


def test_merge_into_itself_or_a_merged_one_is_refused(admin_client, duplicate, oslo_nav):
    url = reverse("organisation_merge", args=[duplicate.pk])

    response = admin_client.post(url, {"target": duplicate.pk})

    assert response.status_code == 200
    assert response.context["form"].errors
    duplicate.refresh_from_db()
    assert duplicate.status == OrganisationStatus.ACTIVE
    assert Membership.objects.filter(organisation=duplicate).count() == 2


def test_approving_a_pending_organisation(admin_client, pending):
    response = admin_client.post(reverse("organisation_approve", args=[pending.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("pending_organisations:index")
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.ACTIVE
    assert Organisation.objects.selectable().filter(pk=pending.pk).exists()


def test_approving_needs_post(admin_client, pending):
    response = admin_client.get(reverse("organisation_approve", args=[pending.pk]))

    assert response.status_code == 405
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


def assert_permission_denied(response):
    """Wagtail answers a PermissionDenied in the admin by sending the user to the dashboard
    with a "no permission" message."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "error" in {m.level_tag for m in get_messages(response.wsgi_request)}


def test_editor_without_permission_cannot_merge_or_approve(
    client, editor, duplicate, oslo_nav, pending
):
    client.force_login(editor)
    merge = reverse("organisation_merge", args=[duplicate.pk])

    assert_permission_denied(client.get(merge))
    assert_permission_denied(client.post(merge, {"target": oslo_nav.pk}))
    assert_permission_denied(client.post(reverse("organisation_approve", args=[pending.pk])))

    duplicate.refresh_from_db()
    pending.refresh_from_db()
    assert duplicate.status == OrganisationStatus.ACTIVE
    assert Membership.objects.filter(organisation=duplicate).count() == 2
    assert pending.status == OrganisationStatus.PENDING


def test_editor_without_permission_cannot_list_organisations(client, editor, oslo_nav):
    client.force_login(editor)

    response = client.get(reverse("organisations:index"))

    assert_permission_denied(response)


def test_people_outside_the_admin_cannot_merge(client, member_a, duplicate, oslo_nav):
    client.force_login(member_a)

    response = client.post(
        reverse("organisation_merge", args=[duplicate.pk]), {"target": oslo_nav.pk}
    )

    assert response.status_code in (302, 403)
    duplicate.refresh_from_db()
    assert duplicate.status == OrganisationStatus.ACTIVE
