"""Sign-up, email verification and login (django-allauth, email only, verification mandatory)."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from people.models import User

from .conftest import PASSWORD, employ, links_in, make_account, path_of

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"


def signup(client, email, password=PASSWORD):
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password})


def confirmation_path(message):
    [link] = [url for url in links_in(message) if "/accounts/confirm-email/" in url]
    return path_of(link)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def main_content(response):
    """The page without the CSRF token (which differs between any two responses)."""
    content = response.content.decode()
    start, end = content.find("<main"), content.find("</main>")
    assert start != -1 and end != -1
    main = content[start:end]
    return "\n".join(line for line in main.splitlines() if "csrfmiddlewaretoken" not in line)


@pytest.mark.django_db
def test_signup_sends_a_verification_email_and_does_not_log_in(client):
    response = signup(client, "ny.person@example.no")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    user = User.objects.get(email="ny.person@example.no")
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny.person@example.no"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_unverified_person_cannot_log_in(client):
    signup(client, "ny.person@example.no")
    mail.outbox = []
    other = client.__class__()

    response = other.post(LOGIN, {"login": "ny.person@example.no", "password": PASSWORD})

    assert not is_logged_in(other)
    # Nothing but "check your email": no profile, no name, no sign of being logged in.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    page = other.get(reverse("profile"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_following_the_confirmation_link_verifies_and_logs_in(client):
    signup(client, "ny.person@example.no")
    link = confirmation_path(mail.outbox[0])

    assert client.get(link).status_code == 200
    response = client.post(link)

    user = User.objects.get(email="ny.person@example.no")
    assert user.emailaddress_set.get().verified
    assert is_logged_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk
    # A new person has no name, profession or employer yet: the profile form comes first.
    assert response.status_code == 302
    assert response["Location"] == reverse("profile_edit")


@pytest.mark.django_db
def test_confirmation_link_in_another_browser_verifies_then_password_login_works(client):
    signup(client, "ny.person@example.no")
    link = confirmation_path(mail.outbox[0])
    phone = client.__class__()

    phone.post(link)
    response = phone.post(LOGIN, {"login": "ny.person@example.no", "password": PASSWORD})

    assert is_logged_in(phone)
    assert response["Location"] == reverse("profile_edit")


@pytest.mark.django_db
def test_signup_with_an_existing_email_looks_like_a_new_signup(client):
    make_account("kjent@example.no")
    fresh = signup(client, "helt.ny@example.no")
    mail.outbox = []
    other = client.__class__()

    existing = signup(other, "kjent@example.no")

    assert existing.status_code == fresh.status_code == 302
    assert existing["Location"] == fresh["Location"]
    # The "check your inbox" page is the same, apart from the address typed.
    existing_page = main_content(other.get(existing["Location"])).replace("kjent@", "X@")
    fresh_page = main_content(client.get(fresh["Location"])).replace("helt.ny@", "X@")
    assert existing_page == fresh_page
    assert not is_logged_in(other)
    assert User.objects.filter(email__iexact="kjent@example.no").count() == 1
    # The owner of the address is told, by email, that someone tried to sign up with it.
    assert [m.to for m in mail.outbox] == [["kjent@example.no"]]


@pytest.mark.django_db
def test_signup_with_an_existing_email_in_other_case_creates_no_user(client):
    make_account("kjent@example.no")

    response = signup(client, "KJENT@Example.no")

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="kjent@example.no").count() == 1


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_give_the_same_answer(client):
    make_account("kjent@example.no")

    known = client.post(LOGIN, {"login": "kjent@example.no", "password": "feil passord"})
    unknown = client.post(LOGIN, {"login": "ukjent@example.no", "password": "feil passord"})

    assert known.status_code == unknown.status_code == 200
    assert main_content(known).replace("kjent@", "X@") == main_content(unknown).replace(
        "ukjent@", "X@"
    )
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_unknown_and_known_addresses(client):
    make_account("kjent@example.no")

    known = client.post(RESET, {"email": "kjent@example.no"})
    unknown = client.__class__().post(RESET, {"email": "ukjent@example.no"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # Only the real account gets a reset link.
    reset_links = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in reset_links] == [["kjent@example.no"]]


@pytest.mark.django_db
def test_login_with_incomplete_profile_goes_to_the_profile_form(client):
    make_account("uten.yrke@example.no", profession="")

    response = client.post(LOGIN, {"login": "uten.yrke@example.no", "password": PASSWORD})

    assert is_logged_in(client)
    assert response["Location"] == reverse("profile_edit") == "/min-side/profil/"


@pytest.mark.django_db
def test_login_with_complete_profile_goes_where_asked(client, oslo_nav):
    user = make_account("komplett@example.no")
    employ(user, oslo_nav)

    response = client.post(
        f"{LOGIN}?next=/min-side/", {"login": "komplett@example.no", "password": PASSWORD}
    )

    assert is_logged_in(client)
    assert response["Location"] == "/min-side/"


@pytest.mark.django_db
def test_login_with_complete_profile_and_no_next_goes_home(client, oslo_nav):
    user = make_account("komplett@example.no")
    employ(user, oslo_nav)

    response = client.post(LOGIN, {"login": "komplett@example.no", "password": PASSWORD})

    assert response["Location"] == "/"


@pytest.mark.django_db
def test_system_check_reports_no_issues(capsys):
    call_command("check", fail_level="WARNING")
    assert "no issues" in capsys.readouterr().out
