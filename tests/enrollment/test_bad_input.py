"""What the registration pages do with wrong, stale or forged input: clear refusals, the
right status code, and nothing written."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.errors import RunNotFound
from enrollment.services.registration import cancel, register
from enrollment.services.waitlist import offer_token, refresh_run
from outbox.models import OutgoingMessage
from tests.factories import make_course, make_participant

from .conftest import messages_to, nb, offer_path


def _post(client, run_id):
    return client.post(f"/kurs/pamelding/{run_id}/", {"needs": ""})


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


def test_forged_run_id_is_404(logged_in, run_factory):
    run = run_factory()
    assert _post(logged_in, run.pk + 1000).status_code == 404
    assert logged_in.get(f"/kurs/pamelding/{run.pk + 1000}/").status_code == 404
    assert not Registration.objects.exists()


@pytest.mark.parametrize("status", [RunStatus.DRAFT])
def test_draft_run_is_404(logged_in, run_factory, status):
    run = run_factory(status=status)
    assert logged_in.get(f"/kurs/pamelding/{run.pk}/").status_code == 404
    assert _post(logged_in, run.pk).status_code == 404
    assert not Registration.objects.exists()


def test_run_of_unpublished_course_is_404(logged_in, provider_a):
    from .conftest import make_course_run

    course = make_course(provider_a, "Utkast", "utkast", live=False)
    run = make_course_run(course)
    assert _post(logged_in, run.pk).status_code == 404
    assert not Registration.objects.exists()


def test_cancelled_run_refuses_registration(logged_in, run_factory):
    run = run_factory(status=RunStatus.CANCELLED)
    response = _post(logged_in, run.pk)
    assert response.status_code == 409
    assert not Registration.objects.exists()


def test_a_refusal_is_not_logged_as_a_server_warning_but_a_missing_run_is(
    logged_in, run_factory, caplog
):
    run = run_factory(status=RunStatus.CANCELLED)
    with caplog.at_level("WARNING", logger="django.request"):
        assert _post(logged_in, run.pk).status_code == 409
        assert not [r for r in caplog.records if r.name == "django.request"]
        assert _post(logged_in, run.pk + 1000).status_code == 404
        [warning] = [r for r in caplog.records if r.name == "django.request"]
    assert warning.status_code == 404


def test_closed_registration_window(logged_in, run_factory):
    run = run_factory(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = _post(logged_in, run.pk)
    assert response.status_code == 409
    assert nb("Registration for this course is not open.") in response.content.decode()
    assert not Registration.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_registration_not_yet_open(logged_in, run_factory):
    run = run_factory(registration_opens_at=timezone.now() + timedelta(days=1))
    assert _post(logged_in, run.pk).status_code == 409
    assert not Registration.objects.exists()


def test_anonymous_post_goes_to_login(client, run_factory):
    run = run_factory()
    response = _post(client, run.pk)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Registration.objects.exists()


def test_cancel_someone_elses_registration_is_404(client, run_factory, employer):
    run = run_factory(capacity=2)
    owner, other = make_participant(employer), make_participant(employer)
    reg = register(run, owner)
    client.force_login(other)
    assert client.post(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 404
    assert client.post(f"/min-side/kurs/{reg.pk + 999}/avmeld/").status_code == 404
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert reg.events.count() == 1


def test_cancel_asks_first_and_needs_post(client, run_factory, person, employer):
    """The "Meld av" link opens a confirmation page (works without JavaScript); only its POST
    cancels, and another person's registration is a 404 on both."""
    run = run_factory(title="Grunnkurs Bergen")
    reg = register(run, person)
    client.force_login(person)
    page = client.get(f"/min-side/kurs/{reg.pk}/avmeld/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Grunnkurs Bergen" in html and 'method="post"' in html
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert client.put(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 405

    other = make_participant(employer)
    client.force_login(other)
    assert client.get(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 404
    assert client.post(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 404
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED

    client.force_login(person)
    assert client.post(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 302
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CANCELLED
    # Once cancelled, the confirmation page is gone: back to My courses.
    assert client.get(f"/min-side/kurs/{reg.pk}/avmeld/").status_code == 302


@pytest.fixture
def offered(run_factory, employer):
    """A run with capacity 1 where the second person holds an offer."""
    run = run_factory(capacity=1)
    holder, waiting, third = (make_participant(employer) for _ in range(3))
    register(run, holder)
    register(run, waiting)
    register(run, third)
    cancel(Registration.objects.get(user=holder), actor=holder)
    reg = Registration.objects.get(user=waiting)
    assert reg.status == RegistrationStatus.OFFERED
    [message] = messages_to(waiting, "offered")
    return reg, offer_path(message), Registration.objects.get(user=third)


def test_used_offer_link_is_gone(offered):
    reg, path, _third = offered
    client = Client()
    assert client.post(path, {"answer": "accept"}).status_code == 302
    for response in (client.get(path), client.post(path, {"answer": "decline"})):
        assert response.status_code == 410
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert reg.events.filter(to_status=RegistrationStatus.DECLINED).count() == 0


def test_expired_offer_link(offered):
    """Answering after the deadline: 410, and the expiry is applied (the seat goes on)."""
    reg, path, third = offered
    Registration.objects.filter(pk=reg.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().post(path, {"answer": "accept"})
    assert response.status_code == 410
    assert (
        nb("The offer expired and the seat has gone to the next person.")
        in response.content.decode()
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.EXPIRED
    assert reg.confirmed_at is None
    third.refresh_from_db()
    assert third.status == RegistrationStatus.OFFERED


def test_garbage_and_forged_tokens(offered):
    reg, path, _third = offered
    client = Client()
    forged = offer_token(Registration(pk=reg.pk, offer_nonce="not-the-nonce"))
    for token in ("garbage", path.rstrip("/").rsplit("/", 1)[1] + "x", forged):
        assert client.get(f"/tilbud/{token}/").status_code == 410
        assert client.post(f"/tilbud/{token}/", {"answer": "accept"}).status_code == 410
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.OFFERED


def test_bad_answer_is_404_and_changes_nothing(offered):
    reg, path, _third = offered
    assert Client().post(path, {"answer": "maybe"}).status_code == 404
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.OFFERED


def test_offer_answered_by_another_person_in_the_service(offered, employer):
    from enrollment.services.errors import NotAllowed
    from enrollment.services.waitlist import accept_offer

    reg, _path, _third = offered
    with pytest.raises(NotAllowed):
        accept_offer(reg, actor=make_participant(employer))
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.OFFERED


def test_incomplete_profile_redirects_to_profile_form(client, run_factory):
    run = run_factory()
    from tests.factories import UserFactory

    no_employer = UserFactory(profession="job_specialist")
    client.force_login(no_employer)
    response = _post(client, run.pk)
    assert response.status_code == 302
    assert response.url == "/min-side/profil/"
    assert not Registration.objects.exists()


def test_already_registered(logged_in, run_factory, person):
    run = run_factory(capacity=3)
    _post(logged_in, run.pk)
    response = _post(logged_in, run.pk)
    assert response.status_code == 409
    assert nb("You are already registered for this course.") in response.content.decode()
    assert Registration.objects.filter(run=run, user=person).count() == 1


def test_registering_again_after_cancelling_is_allowed(logged_in, run_factory, person):
    run = run_factory(capacity=3)
    reg = register(run, person)
    cancel(reg, actor=person)
    assert _post(logged_in, run.pk).status_code == 303
    assert Registration.objects.filter(run=run, user=person).count() == 2
    assert Registration.objects.filter(run=run, user=person).active().count() == 1


def test_missing_prerequisites_names_the_courses(logged_in, provider_a, course_a, person):
    from .conftest import make_course_run

    basic = make_course(provider_a, "Introduksjon til IPS", "intro")
    course_a.prerequisites.set([basic])
    course_a.save()
    run = make_course_run(course_a)
    response = _post(logged_in, run.pk)
    assert response.status_code == 409
    assert "Introduksjon til IPS" in response.content.decode()
    assert not Registration.objects.filter(run=run).exists()

    # Having completed it lets the person in.
    basic_run = make_course_run(basic)
    done = register(basic_run, person)
    Registration.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    assert _post(logged_in, run.pk).status_code == 303
    assert Registration.objects.get(run=run).status == RegistrationStatus.CONFIRMED


def test_cancel_after_cancellation_deadline(logged_in, run_factory, person):
    run = run_factory(capacity=2)
    reg = register(run, person)
    type(run).objects.filter(pk=run.pk).update(
        cancellation_deadline=timezone.now() - timedelta(minutes=5)
    )
    response = logged_in.post(f"/min-side/kurs/{reg.pk}/avmeld/", follow=True)
    assert (
        nb("The cancellation deadline has passed. Contact the organiser.")
        in response.content.decode()
    )
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert not messages_to(person, "cancelled")


def test_my_courses_needs_login(client):
    response = client.get("/min-side/kurs/")
    assert response.status_code == 302


def test_refresh_of_unknown_run_is_an_error(db):
    with pytest.raises(RunNotFound):
        refresh_run(999999)
