"""Invitations: a coordinator invites a colleague by email; only that person can accept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation, Membership
from people.models import User

from .conftest import PASSWORD, employ, links_in, make_account, path_of, shows


@pytest.fixture
def coordinator_client(client, coordinator_a):
    client.force_login(coordinator_a)
    return client


def send_invitation(client, org, email, capture):
    with capture(execute=True):
        return client.post(
            reverse("invite_colleague", args=[org.pk]), {"email": email}, follow=True
        )


def invitation_path(message):
    [link] = [url for url in links_in(message) if "/invitasjon/" in url]
    return path_of(link)


@pytest.fixture
def invitation(oslo_nav, coordinator_a):
    return Invitation.objects.create(
        organisation=oslo_nav, email="ny.kollega@example.no", invited_by=coordinator_a
    )


def test_invite_sends_one_email_with_the_link(
    coordinator_client, oslo_nav, django_capture_on_commit_callbacks
):
    response = send_invitation(
        coordinator_client, oslo_nav, "Ny.Kollega@Example.no", django_capture_on_commit_callbacks
    )

    invitation = Invitation.objects.get()
    assert invitation.email == "ny.kollega@example.no"
    assert invitation.organisation == oslo_nav
    assert shows(response, "An invitation has been sent to %(email)s.", email=invitation.email)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.kollega@example.no"]
    assert "NAV Grünerløkka" in message.subject
    assert invitation_path(message) == f"/invitasjon/{invitation.token}/"
    # The coordinator sees the open invitation on the organisation page.
    assert "ny.kollega@example.no" in response.content.decode()


def test_inviting_an_existing_member_creates_nothing(
    coordinator_client, oslo_nav, member_a, django_capture_on_commit_callbacks
):
    response = send_invitation(
        coordinator_client, oslo_nav, "OLA.medlem@example.no", django_capture_on_commit_callbacks
    )

    assert shows(response, "%(email)s is already a member.", email="ola.medlem@example.no")
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_address_with_an_open_invitation_creates_nothing(
    coordinator_client, oslo_nav, invitation, django_capture_on_commit_callbacks
):
    response = send_invitation(
        coordinator_client, oslo_nav, "ny.kollega@example.no", django_capture_on_commit_callbacks
    )

    assert shows(
        response,
        "%(email)s has already been invited and has not answered yet.",
        email="ny.kollega@example.no",
    )
    assert list(Invitation.objects.all()) == [invitation]
    assert mail.outbox == []


def test_inviting_again_after_expiry_replaces_the_old_invitation(
    coordinator_client, oslo_nav, invitation, django_capture_on_commit_callbacks
):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()

    send_invitation(
        coordinator_client, oslo_nav, "ny.kollega@example.no", django_capture_on_commit_callbacks
    )

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1


def test_inviting_an_invalid_address_creates_nothing(
    coordinator_client, oslo_nav, django_capture_on_commit_callbacks
):
    response = send_invitation(
        coordinator_client, oslo_nav, "ikke en adresse", django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invited_person_signs_up_through_the_link_and_becomes_a_member(
    client, coordinator_a, oslo_nav, django_capture_on_commit_callbacks
):
    coordinator = client.__class__()
    coordinator.force_login(coordinator_a)
    send_invitation(
        coordinator, oslo_nav, "ny.kollega@example.no", django_capture_on_commit_callbacks
    )
    link = invitation_path(mail.outbox[0])
    mail.outbox = []

    landing = client.get(link)
    assert landing.status_code == 200
    assert "NAV Grünerløkka" in landing.content.decode()
    signup_url = f"{reverse('account_signup')}?next={link}"
    assert signup_url.replace("/", "%2F") in landing.content.decode().replace("/", "%2F")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup_url,
            {"email": "ny.kollega@example.no", "password1": PASSWORD, "password2": PASSWORD},
        )
    user = User.objects.get(email="ny.kollega@example.no")
    assert not Membership.objects.filter(user=user).exists()  # not before verification
    [confirm] = [u for u in links_in(mail.outbox[0]) if "/accounts/confirm-email/" in u]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path_of(confirm), follow=True)

    # Back from the email, logged in, at the invitation link: told they are a member.
    assert confirmed.status_code == 200
    assert [url for url, _ in confirmed.redirect_chain] == [link, reverse("profile")]
    assert shows(confirmed, "You are now a member of %(name)s.", name="NAV Grünerløkka")
    membership = Membership.objects.current().get(user=user)
    assert membership.organisation == oslo_nav
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    # The coordinator now sees the new colleague among the members.
    page = coordinator.get(reverse("organisation", args=[oslo_nav.pk])).content.decode()
    assert "ny.kollega@example.no" in page


def test_signing_up_with_another_address_does_not_accept(
    client, invitation, django_capture_on_commit_callbacks
):
    link = reverse("invitation", args=[invitation.token])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{reverse('account_signup')}?next={link}",
            {"email": "noen.andre@example.no", "password1": PASSWORD, "password2": PASSWORD},
        )
    [confirm] = [u for u in links_in(mail.outbox[0]) if "/accounts/confirm-email/" in u]
    client.post(path_of(confirm))

    user = User.objects.get(email="noen.andre@example.no")
    assert not Membership.objects.filter(user=user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_existing_user_with_the_invited_email_accepts(client, invitation, oslo_nav, bergen_dps):
    user = make_account("ny.kollega@example.no")
    old = employ(user, bergen_dps)
    client.force_login(user)
    link = reverse("invitation", args=[invitation.token])

    assert client.get(link).status_code == 200
    response = client.post(link, follow=True)

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert shows(response, "You are now a member of %(name)s.", name="NAV Grünerløkka")
    assert Membership.objects.current().get(user=user).organisation == oslo_nav
    old.refresh_from_db()
    assert old.ended_at is not None
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_anonymous_accept_is_sent_to_login(client, invitation):
    link = reverse("invitation", args=[invitation.token])

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={link}"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_different_user_cannot_accept(client, invitation, member_b, bergen_dps):
    client.force_login(member_b)
    link = reverse("invitation", args=[invitation.token])

    response = client.post(link)

    assert response.status_code == 400
    assert shows(
        response,
        "This invitation was sent to %(email)s. Log in with that address to accept it.",
        email="ny.kollega@example.no",
    )
    assert Membership.objects.current().get(user=member_b).organisation == bergen_dps
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def expire(invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)


def use(invitation):
    invitation.accepted_at = timezone.now()


def withdraw(invitation):
    invitation.revoked_at = timezone.now()


@pytest.mark.parametrize(
    ("spoil", "msgid"),
    [
        (expire, "This invitation has expired. Ask your coordinator to send a new one."),
        (use, "This invitation has already been used."),
        (withdraw, "This invitation has been withdrawn."),
    ],
)
def test_unusable_invitations_say_why_and_change_nothing(client, invitation, spoil, msgid):
    spoil(invitation)
    invitation.save()
    user = make_account("ny.kollega@example.no")
    client.force_login(user)
    link = reverse("invitation", args=[invitation.token])

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert shows(response, msgid)
        assert "<form" not in response.content.decode().split("<main", 1)[1]

    assert not Membership.objects.filter(user=user).exists()
    before = (invitation.accepted_at, invitation.revoked_at)
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.revoked_at) == before
    assert invitation.accepted_by is None


def test_a_used_invitation_cannot_be_used_by_anyone_else(client, invitation, oslo_nav, member_b):
    first = make_account("ny.kollega@example.no")
    client.force_login(first)
    link = reverse("invitation", args=[invitation.token])
    client.post(link)
    invitation.refresh_from_db()
    accepted_at = invitation.accepted_at
    # Opening the link again is harmless for the person who accepted it.
    again = client.get(link)
    assert again.status_code == 302
    assert again["Location"] == reverse("profile")

    anonymous, someone_else = client.__class__(), client.__class__()
    someone_else.force_login(member_b)
    for other in (anonymous, someone_else):
        response = other.post(link)
        assert response.status_code == 410
        assert shows(response, "This invitation has already been used.")

    assert Membership.objects.filter(user=first).count() == 1
    assert Membership.objects.filter(user=member_b, organisation=oslo_nav).count() == 0
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (accepted_at, first)


@pytest.mark.parametrize("token", ["not-a-real-token", "x" * 43, "%F0%9F%92%A9"])
def test_a_garbage_token_says_the_link_is_not_valid(client, member_a, token):
    client.force_login(member_a)
    link = f"/invitasjon/{token}/"

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 410
        assert shows(response, "This invitation link is not valid.")
    assert Membership.objects.filter(user=member_a).count() == 1


def test_expired_invitation_is_not_accepted_on_signup(
    client, invitation, django_capture_on_commit_callbacks
):
    expire(invitation)
    invitation.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "ny.kollega@example.no", "password1": PASSWORD, "password2": PASSWORD},
        )
    [confirm] = [u for u in links_in(mail.outbox[0]) if "/accounts/confirm-email/" in u]
    client.post(path_of(confirm))

    user = User.objects.get(email="ny.kollega@example.no")
    assert not Membership.objects.filter(user=user).exists()
