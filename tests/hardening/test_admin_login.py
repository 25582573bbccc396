"""The Wagtail admin's login is the site's login (allauth, rate-limited): its own password form
is never offered, so guessing passwords there is limited like anywhere else."""

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import PASSWORD, UserFactory

ADMIN_LOGIN = "/admin/login/"


def signed_in(client):
    return "_auth_user_id" in client.session


def test_admin_login_sends_people_to_the_site_login_and_back(client, db):
    response = client.get(ADMIN_LOGIN)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/admin/" in response.url
    # Wagtail's own redirect for anonymous people ends at the same place.
    response = client.get("/admin/pages/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_admin_login_keeps_no_foreign_next(client, db):
    response = client.get(ADMIN_LOGIN, {"next": "https://evil.example/"})
    assert "evil.example" not in response.url


def test_posting_a_password_to_the_admin_login_checks_nothing(client, superuser):
    response = client.post(ADMIN_LOGIN, {"username": superuser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert not signed_in(client)


def test_fifty_wrong_passwords_at_the_admin_login_are_rate_limited(client, site):
    editor = UserFactory(email="redaktor@example.no", is_staff=True, is_superuser=True)
    login_url = client.get(ADMIN_LOGIN).url
    too_many = escape(gettext("Too many failed login attempts. Try again later."))
    refused = 0
    for _ in range(50):
        response = client.post(login_url, {"login": editor.email, "password": "gjett"})
        refused += response.status_code == 429 or too_many in response.content.decode()
    assert refused >= 44  # all but the first few attempts are refused unchecked
    # Even the right password is refused now: the limit holds, not the password check.
    client.post(login_url, {"login": editor.email, "password": PASSWORD})
    assert not signed_in(client)


def test_signed_in_without_admin_access_is_refused_not_looped(client, db):
    client.force_login(UserFactory())
    assert client.get(ADMIN_LOGIN).status_code == 403
