"""Coordinator pages: a coordinator reaches only the organisations they coordinate."""

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import Invitation, Membership, MembershipRole
from people.professions import Profession

from .conftest import employ, make_account


def org_url(org):
    return reverse("organisation", args=[org.pk])


def invite_url(org):
    return reverse("invite_colleague", args=[org.pk])


def withdraw_url(org, invitation):
    return reverse("withdraw_invitation", args=[org.pk, invitation.pk])


@pytest.fixture
def invitation_b(bergen_dps, coordinator_b):
    return Invitation.objects.create(
        organisation=bergen_dps, email="ny.vest@example.no", invited_by=coordinator_b
    )


def test_coordinator_sees_own_members(client, coordinator_a, member_a, member_b, oslo_nav):
    client.force_login(coordinator_a)

    response = client.get(org_url(oslo_nav))

    assert response.status_code == 200
    page = response.content.decode()
    assert "ola.medlem@example.no" in page
    assert "koordinator.a@example.no" in page
    assert "berit.vest@example.no" not in page


def test_my_organisations_leads_a_coordinator_to_their_organisation(
    client, coordinator_a, oslo_nav
):
    client.force_login(coordinator_a)

    response = client.get(reverse("my_organisations"))

    assert response.status_code == 302
    assert response["Location"] == org_url(oslo_nav)


def test_coordinator_of_a_cannot_see_b(client, coordinator_a, member_b, bergen_dps):
    client.force_login(coordinator_a)

    assert client.get(org_url(bergen_dps)).status_code == 404


def test_coordinator_of_a_cannot_invite_into_b(client, coordinator_a, bergen_dps):
    client.force_login(coordinator_a)

    response = client.post(invite_url(bergen_dps), {"email": "inntrenger@example.no"})

    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_coordinator_of_a_cannot_withdraw_bs_invitations(
    client, coordinator_a, oslo_nav, bergen_dps, invitation_b
):
    client.force_login(coordinator_a)

    assert client.post(withdraw_url(bergen_dps, invitation_b)).status_code == 404
    # Nor by pairing their own organisation with B's invitation id.
    assert client.post(withdraw_url(oslo_nav, invitation_b)).status_code == 404
    invitation_b.refresh_from_db()
    assert invitation_b.revoked_at is None


def test_a_plain_member_gets_404_everywhere(
    client, member_a, oslo_nav, bergen_dps, coordinator_a, invitation_b
):
    own_invitation = Invitation.objects.create(
        organisation=oslo_nav, email="kollega@example.no", invited_by=coordinator_a
    )
    client.force_login(member_a)

    assert client.get(reverse("my_organisations")).status_code == 404
    for org in (oslo_nav, bergen_dps):
        assert client.get(org_url(org)).status_code == 404
        assert client.post(invite_url(org), {"email": "x@example.no"}).status_code == 404
    assert client.post(withdraw_url(oslo_nav, own_invitation)).status_code == 404
    assert client.post(withdraw_url(bergen_dps, invitation_b)).status_code == 404
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 0
    assert Invitation.objects.count() == 2


def test_a_former_coordinator_loses_access(client, coordinator_a, oslo_nav, bergen_dps):
    from organisations.services.memberships import set_employer

    set_employer(coordinator_a, bergen_dps)  # changed jobs: now a plain member at B
    client.force_login(coordinator_a)

    assert client.get(org_url(oslo_nav)).status_code == 404
    assert client.get(org_url(bergen_dps)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, oslo_nav, coordinator_a):
    invitation = Invitation.objects.create(
        organisation=oslo_nav, email="kollega@example.no", invited_by=coordinator_a
    )
    login = reverse("account_login")
    for method, url in (
        ("get", reverse("my_organisations")),
        ("get", org_url(oslo_nav)),
        ("post", invite_url(oslo_nav)),
        ("post", withdraw_url(oslo_nav, invitation)),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_coordinator_withdraws_own_invitation(client, coordinator_a, oslo_nav):
    invitation = Invitation.objects.create(
        organisation=oslo_nav, email="kollega@example.no", invited_by=coordinator_a
    )
    client.force_login(coordinator_a)

    response = client.post(withdraw_url(oslo_nav, invitation), follow=True)

    assert response.redirect_chain[-1][0] == org_url(oslo_nav)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "kollega@example.no" not in response.content.decode()


@pytest.fixture
def colleagues(oslo_nav):
    people = [
        ("Anne", "Aas", Profession.JOB_SPECIALIST),
        ("Bjørn", "Bakke", Profession.JOB_SPECIALIST),
        ("Cecilie", "Dahl", Profession.THERAPIST),
        ("Daniel", "Aas", Profession.PEER_WORKER),
    ]
    for first, last, profession in people:
        user = make_account(
            f"{first.lower()}.{last.lower()}@example.no".replace("ø", "o"),
            first_name=first,
            last_name=last,
            profession=profession,
        )
        employ(user, oslo_nav)


def member_names(response):
    return [m.user.get_full_name() for m in response.context["members"]]


def test_members_list_filters_by_profession(client, coordinator_a, oslo_nav, colleagues):
    client.force_login(coordinator_a)

    response = client.get(org_url(oslo_nav), {"profession": Profession.JOB_SPECIALIST})

    # Sorted by last name, then first name; the coordinator is a job specialist too.
    assert member_names(response) == ["Anne Aas", "Bjørn Bakke", "Kristin Koord"]
    assert "cecilie.dahl@example.no" not in response.content.decode()


def test_members_list_filters_by_name(client, coordinator_a, oslo_nav, colleagues):
    client.force_login(coordinator_a)

    assert member_names(client.get(org_url(oslo_nav), {"q": "aas"})) == [
        "Anne Aas",
        "Daniel Aas",
    ]
    assert member_names(client.get(org_url(oslo_nav), {"q": "Cecilie"})) == ["Cecilie Dahl"]
    assert member_names(
        client.get(org_url(oslo_nav), {"q": "aas", "profession": Profession.PEER_WORKER})
    ) == ["Daniel Aas"]


def test_members_list_shows_only_current_members(client, coordinator_a, oslo_nav, bergen_dps):
    leaver = make_account("sluttet@example.no", first_name="Siri", last_name="Sluttet")
    employ(leaver, oslo_nav)
    from organisations.services.memberships import set_employer

    set_employer(leaver, bergen_dps)
    client.force_login(coordinator_a)

    response = client.get(org_url(oslo_nav))

    assert "sluttet@example.no" not in response.content.decode()
    assert Membership.objects.filter(user=leaver, organisation=oslo_nav).exists()


def test_unknown_profession_filter_is_ignored(client, coordinator_a, oslo_nav, colleagues):
    client.force_login(coordinator_a)

    response = client.get(org_url(oslo_nav), {"profession": "astronaut"})

    assert response.status_code == 200
    assert len(member_names(response)) == 5


def test_coordinator_role_is_shown(client, coordinator_a, member_a, oslo_nav):
    client.force_login(coordinator_a)

    response = client.get(org_url(oslo_nav))

    roles = {m.user.email: m.role for m in response.context["members"]}
    assert roles == {
        "koordinator.a@example.no": MembershipRole.COORDINATOR,
        "ola.medlem@example.no": MembershipRole.MEMBER,
    }
