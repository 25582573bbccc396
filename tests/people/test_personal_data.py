"""'My data': export of one's own data, and deleting (anonymising) the account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from organisations.models import Invitation, Membership
from people.models import User
from people.professions import Profession

from .conftest import PASSWORD, make_account, shows

EXPORT = "/min-side/mine-data.json"
DELETE = "/min-side/slett-konto/"


@pytest.fixture
def person(oslo_nav, bergen_dps):
    user = make_account(
        "eva.eksport@example.no",
        first_name="Eva",
        last_name="Eksport",
        phone="41 23 45 67",
        profession=Profession.NAV_ADVISER,
    )
    from organisations.services.memberships import set_employer

    set_employer(user, bergen_dps)
    set_employer(user, oslo_nav)
    return user


def test_export_contains_own_account_and_employers_only(
    client, person, member_a, coordinator_a, oslo_nav
):
    Invitation.objects.create(
        organisation=oslo_nav, email="eva.eksport@example.no", invited_by=coordinator_a
    )
    Invitation.objects.create(
        organisation=oslo_nav, email="someone.else@example.no", invited_by=coordinator_a
    )
    client.force_login(person)

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "eva.eksport@example.no"
    assert data["account"]["first_name"] == "Eva"
    assert data["account"]["phone"] == "41 23 45 67"
    assert data["account"]["profession"] == Profession.NAV_ADVISER
    assert data["email_addresses"] == [
        {"email": "eva.eksport@example.no", "verified": True, "primary": True}
    ]
    employers = [(e["organisation"], e["ended_at"] is None) for e in data["employers"]]
    assert employers == [("Bjørgvin DPS", False), ("NAV Grünerløkka", True)]
    assert [i["organisation"] for i in data["invitations_received"]] == ["NAV Grünerløkka"]
    # Nobody else's data: not the colleague, not the coordinator, not other invitations.
    text = response.content.decode()
    for other in ("ola.medlem@example.no", "Medlem", "koordinator.a@example.no", "someone.else"):
        assert other not in text


def test_export_needs_login(client, person):
    response = client.get(EXPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_delete_with_the_wrong_email_changes_nothing(client, person):
    client.force_login(person)

    response = client.post(DELETE, {"confirm_email": "member@example.no"})

    assert response.status_code == 200
    assert shows(response, "This is not the email address of your account.")
    person.refresh_from_db()
    assert person.email == "eva.eksport@example.no"
    assert person.is_active
    assert person.check_password(PASSWORD)
    assert "_auth_user_id" in client.session


def test_delete_without_confirmation_changes_nothing(client, person):
    client.force_login(person)

    response = client.post(DELETE, {"confirm_email": ""})

    assert response.status_code == 200
    assert "confirm_email" in response.context["form"].errors
    person.refresh_from_db()
    assert person.is_active


def test_delete_anonymises_but_keeps_statistics(client, person, coordinator_a, oslo_nav):
    Invitation.objects.create(
        organisation=oslo_nav, email="eva.eksport@example.no", invited_by=coordinator_a
    )
    client.force_login(person)
    memberships_before = list(
        Membership.objects.filter(user=person).values_list("organisation__name", "ended_at")
    )

    response = client.post(DELETE, {"confirm_email": " Eva.Eksport@example.no "})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        gettext("Your account and personal data have been deleted.")
    ]
    assert "_auth_user_id" not in client.session
    person.refresh_from_db()
    assert person.email != "eva.eksport@example.no"
    assert "eva" not in person.email.lower()
    assert (person.first_name, person.last_name, person.phone) == ("", "", "")
    assert not person.is_active
    assert not person.has_usable_password()
    assert person.anonymised_at is not None
    assert not EmailAddress.objects.filter(email__iexact="eva.eksport@example.no").exists()
    assert not Invitation.objects.filter(email__iexact="eva.eksport@example.no").exists()
    assert not User.objects.filter(email__iexact="eva.eksport@example.no").exists()
    # What the national statistics need stays: profession and employers.
    assert person.profession == Profession.NAV_ADVISER
    memberships_after = list(
        Membership.objects.filter(user=person).values_list("organisation__name", "ended_at")
    )
    assert memberships_after == memberships_before
    assert Membership.objects.current().get(user=person).organisation == oslo_nav


def test_deleted_person_cannot_log_in_or_use_old_session(client, person):
    other_browser = client.__class__()
    other_browser.force_login(person)
    client.force_login(person)
    client.post(DELETE, {"confirm_email": "eva.eksport@example.no"})

    response = client.post(
        reverse("account_login"), {"login": "eva.eksport@example.no", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # A session in another browser is no longer valid either.
    assert other_browser.get(reverse("profile")).status_code == 302


def test_deleted_email_can_sign_up_again(client, person):
    client.force_login(person)
    client.post(DELETE, {"confirm_email": "eva.eksport@example.no"})

    client.post(
        reverse("account_signup"),
        {"email": "eva.eksport@example.no", "password1": PASSWORD, "password2": PASSWORD},
    )

    fresh = User.objects.get(email="eva.eksport@example.no")
    assert fresh.pk != person.pk
    assert not Membership.objects.filter(user=fresh).exists()


def test_delete_page_is_only_about_oneself(client, person, member_a):
    client.force_login(person)

    client.post(DELETE, {"confirm_email": "ola.medlem@example.no"})

    member_a.refresh_from_db()
    person.refresh_from_db()
    assert member_a.is_active and member_a.email == "ola.medlem@example.no"
    assert person.is_active
