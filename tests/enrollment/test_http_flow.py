"""The participant's path through the site: register, waitlist, cancel, offer by email, accept
from the link without logging in; and the emails each step sends, in the person's language."""

from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from enrollment.models import Registration, RegistrationStatus
from outbox.models import MessageStatus
from tests.factories import make_participant

from .conftest import messages_to, offer_path


def _register(client, run):
    return client.post(f"/kurs/pamelding/{run.pk}/", {"needs": "Vegetar"})


def test_register_waitlist_cancel_offer_accept(
    client, run_factory, employer, django_capture_on_commit_callbacks
):
    run = run_factory(capacity=1, title="Grunnkurs Bergen høst")
    first = make_participant(employer, language="nb")
    second = make_participant(employer, language="en")

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(first)
        response = _register(client, run)
    assert response.status_code == 303
    assert response.url == "/min-side/kurs/"
    reg_first = Registration.objects.get(run=run, user=first)
    assert reg_first.status == RegistrationStatus.CONFIRMED
    assert reg_first.needs == "Vegetar"

    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(second)
        response = _register(client, run)
    assert response.status_code == 303
    reg_second = Registration.objects.get(run=run, user=second)
    assert reg_second.status == RegistrationStatus.WAITLISTED
    page = client.get("/min-side/kurs/")
    assert page.status_code == 200
    assert "1" in page.content.decode()
    assert reg_second.waitlisted_at is not None

    # Confirmation for the first, waitlist email (with the position) for the second.
    [confirmed] = messages_to(first, "confirmed")
    assert "Grunnkurs Bergen høst" in confirmed.subject
    assert confirmed.language == "nb"
    assert "/min-side/kurs/" in confirmed.body_text and "/en/" not in confirmed.body_text
    [waitlisted] = messages_to(second, "waitlisted")
    assert "Grunnkurs Bergen høst" in waitlisted.subject
    assert waitlisted.language == "en"
    assert "You are number 1 on the waitlist" in waitlisted.body_text
    assert "/en/min-side/kurs/" in waitlisted.body_text
    with translation.override("nb"):
        nb_line = gettext("Your seat on this course is confirmed:")
    assert nb_line in confirmed.body_text

    # The first cancels: the seat is offered to the second at once, by email.
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(first)
        response = client.post(f"/min-side/kurs/{reg_first.pk}/avmeld/")
    assert response.status_code == 302
    reg_first.refresh_from_db()
    assert reg_first.status == RegistrationStatus.CANCELLED
    [cancelled] = messages_to(first, "cancelled")
    assert "Grunnkurs Bergen høst" in cancelled.subject
    reg_second.refresh_from_db()
    assert reg_second.status == RegistrationStatus.OFFERED
    [offer] = messages_to(second, "offered")
    assert "Grunnkurs Bergen høst" in offer.subject
    deadline = timezone.localtime(reg_second.offer_expires_at).strftime("%d.%m.%Y %H:%M")
    assert deadline in offer.body_text
    path = offer_path(offer)
    assert path.startswith("/en/tilbud/")  # in the person's language

    # Accepting from the link needs no login.
    anonymous = Client()
    shown = anonymous.get(path)
    assert shown.status_code == 200
    assert "Grunnkurs Bergen høst" in shown.content.decode()
    reg_second.refresh_from_db()
    assert reg_second.status == RegistrationStatus.OFFERED  # GET never answers
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(path, {"answer": "accept"})
    assert response.status_code == 302
    reg_second.refresh_from_db()
    assert reg_second.status == RegistrationStatus.CONFIRMED
    assert reg_second.offer_nonce == ""
    assert len(messages_to(second, "confirmed")) == 1

    # Every message was actually sent, once, to the right person.
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert len(sent) == 5
    assert [to for to, _s in sent].count(first.email) == 2
    assert [to for to, _s in sent].count(second.email) == 3
    assert all(m.status == MessageStatus.SENT for m in messages_to(first) + messages_to(second))
    events = list(reg_second.events.values_list("from_status", "to_status"))
    assert events == [("", "waitlisted"), ("waitlisted", "offered"), ("offered", "confirmed")]


def test_decline_from_link_passes_seat_on(client, run_factory, employer):
    run = run_factory(capacity=1)
    holder, a, b = (make_participant(employer) for _ in range(3))
    for user in (holder, a, b):
        client.force_login(user)
        _register(client, run)
    client.force_login(holder)
    client.post(f"/min-side/kurs/{Registration.objects.get(user=holder).pk}/avmeld/")
    [offer] = messages_to(a, "offered")
    client.logout()
    response = client.post(offer_path(offer), {"answer": "decline"})
    assert response.status_code == 302
    assert Registration.objects.get(user=a).status == RegistrationStatus.DECLINED
    assert Registration.objects.get(user=b).status == RegistrationStatus.OFFERED
    assert len(messages_to(b, "offered")) == 1


def test_offer_expired_email(run_factory, employer):
    from datetime import timedelta

    from enrollment.services.registration import cancel, register
    from enrollment.services.waitlist import refresh_run

    run = run_factory(capacity=1)
    holder, a = make_participant(employer), make_participant(employer, language="en")
    register(run, holder)
    register(run, a)
    cancel(Registration.objects.get(user=holder), actor=holder)
    reg = Registration.objects.get(user=a)
    refresh_run(run.pk, now=reg.offer_expires_at + timedelta(minutes=1))
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.EXPIRED
    [expired] = messages_to(a, "offer_expired")
    assert run.display_title in expired.subject
    assert expired.language == "en"
