"""Django's own admin (django-celery-beat's schedule) is for superusers only, and signing in to
it goes through the site's login."""

from django.urls import reverse

from tests.factories import UserFactory

SCHEDULE = "/django-admin/django_celery_beat/periodictask/"


def test_superuser_sees_the_beat_schedule(client, superuser):
    client.force_login(superuser)
    assert client.get(SCHEDULE).status_code == 200


def test_staff_who_are_not_superusers_are_kept_out(client, db):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(SCHEDULE, follow=True)
    assert response.status_code == 403


def test_anonymous_people_sign_in_through_the_site(client, db):
    response = client.get(SCHEDULE, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_the_admins_own_login_form_is_not_offered(client, db):
    response = client.get("/django-admin/login/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert (
        client.post("/django-admin/login/", {"username": "x", "password": "y"}).status_code == 302
    )
