"""The custom user model: email is the login identity."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction

User = get_user_model()


@pytest.mark.django_db
def test_user_has_no_username_and_logs_in_with_email():
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User(), "username") or User().username is None
    assert "username" not in {f.name for f in User._meta.get_fields()}
    user = User.objects.create_user("Kari.Nordmann@Example.NO", password="hemmelig-passord-1")
    assert user.email == "kari.nordmann@example.no"
    assert not user.is_staff and not user.is_superuser
    assert authenticate(email="kari.nordmann@example.no", password="hemmelig-passord-1") == user
    assert authenticate(email="kari.nordmann@example.no", password="feil") is None


@pytest.mark.django_db
def test_create_superuser():
    admin = User.objects.create_superuser("admin@example.no", password="hemmelig-passord-1")
    assert admin.is_staff and admin.is_superuser and admin.is_active
    assert admin.check_password("hemmelig-passord-1")
    assert str(admin) == "admin@example.no"


@pytest.mark.django_db
def test_createsuperuser_command_asks_only_for_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "hemmelig-passord-1")
    call_command("createsuperuser", email="ops@example.no", interactive=False, verbosity=0)
    user = User.objects.get(email="ops@example.no")
    assert user.is_superuser and user.check_password("hemmelig-passord-1")


@pytest.mark.django_db
def test_email_is_required():
    with pytest.raises(ValueError):
        User.objects.create_user("", password="x")


@pytest.mark.django_db
def test_email_is_unique():
    User.objects.create_user("per@example.no", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("per@example.no", password="y")
    # The manager lower-cases, so a differently cased address is the same identity.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("PER@example.no", password="y")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_login_form_takes_email(client):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(email="liv@example.no")
    response = client.post("/accounts/login/", {"login": "liv@example.no", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
