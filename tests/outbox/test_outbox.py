"""The outbox: an intent is written in the same transaction as the change and rendered by the
worker at delivery, from the current state; every attempt carries the same Message-ID; due
messages go out over one SMTP connection; a temporary failure of one message is retried with
backoff without holding up the others, a permanent one fails it; claims of a worker that died
are sent again; mail from allauth goes the same way, so signing up never depends on SMTP."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from enrollment.models import Registration
from enrollment.services.registration import cancel, register
from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import claim, new_message_id, resend, send_due
from outbox.tasks import sweep_outbox
from people.models import User
from tests.enrollment.conftest import make_course_run
from tests.factories import make_participant

FAILURES = {}  # address -> exceptions to raise, one per attempt
CONNECTIONS = []


class FlakyBackend(EmailBackend):
    """locmem, but raises the next exception queued for a message's address, and counts the
    connections opened."""

    def open(self):
        CONNECTIONS.append(self)
        return True

    def send_messages(self, messages):
        for message in messages:
            queued = FAILURES.get(message.to[0])
            if queued:
                raise queued.pop(0)
        return super().send_messages(messages)


flaky = override_settings(EMAIL_BACKEND=f"{__name__}.FlakyBackend")


@pytest.fixture(autouse=True)
def _clean():
    FAILURES.clear()
    CONNECTIONS.clear()
    yield
    FAILURES.clear()


def written(to="kari@example.no", **kwargs):
    """A message written by hand (as in the admin, no template): sent as it stands."""
    return OutgoingMessage.objects.create(
        to=to, subject="Hei", body_text="Tekst", message_id=new_message_id(), **kwargs
    )


def test_rolled_back_registration_leaves_no_message(course_a, db):
    run = make_course_run(course_a)
    person = make_participant()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        register(run, person)
        assert OutgoingMessage.objects.filter(to=person.email).count() == 1
        raise Boom
    assert not Registration.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_the_intent_is_written_unrendered_and_sent_after_commit(
    course_a, django_capture_on_commit_callbacks
):
    run = make_course_run(course_a, title="Grunnkurs i Tromsø")
    person = make_participant()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(run, person)
    message = OutgoingMessage.objects.get()
    # Only the intent: what, to whom, about what, and the Message-ID it will carry.
    assert (message.template, message.to, message.status) == (
        "enrollment/email/confirmed",
        person.email,
        MessageStatus.QUEUED,
    )
    assert message.subject == "" and message.body_text == ""
    assert message.message_id.startswith("<") and message.message_id.endswith(">")
    assert mail.outbox == []  # nothing sent while the transaction was open
    for callback in callbacks:
        callback()
    [email] = mail.outbox
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert email.extra_headers["Message-ID"] == message.message_id
    assert "Grunnkurs i Tromsø" in email.subject == message.subject


def test_rendered_from_the_state_at_delivery(course_a, db):
    """A run renamed between the registration and the delivery: the email has the new name."""
    run = make_course_run(course_a, title="Gammelt navn")
    register(run, make_participant())
    run.title = "Nytt navn"
    run.save(update_fields=["title"])
    send_due()
    [email] = mail.outbox
    assert "Nytt navn" in email.subject and "Gammelt navn" not in email.body


def test_rendered_in_the_recipients_language(course_a, db):
    run = make_course_run(course_a)
    register(run, make_participant(language="en"))
    send_due()
    assert mail.outbox[0].subject.startswith("You have a seat")
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"


def test_sending_twice_sends_once(db):
    message = written()
    assert send_due() == 1
    assert send_due() == 0
    assert [(m.subject, m.body) for m in mail.outbox] == [("Hei", "Tekst")]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert message.sent_at is not None


@flaky
def test_due_messages_share_one_connection(db):
    for n in range(7):
        written(to=f"person{n}@example.no")
    assert send_due(batch_size=3) == 7
    assert len(mail.outbox) == 7
    assert len(CONNECTIONS) == 1  # one for every batch, not one per message or batch


@flaky
def test_a_temporary_failure_is_retried_with_the_same_message_id(db):
    message = written()
    FAILURES["kari@example.no"] = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    before = timezone.now()
    assert send_due() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.AWAITING_RETRY
    assert message.attempts == 1
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    assert "451" in message.last_error
    assert send_due() == 0  # not due yet
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert send_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == message.message_id


@flaky
def test_one_refused_recipient_does_not_hold_up_the_others(db):
    first, refused, last = written("a@example.no"), written("b@example.no"), written("c@example.no")
    FAILURES["b@example.no"] = [
        smtplib.SMTPRecipientsRefused({"b@example.no": (550, b"5.1.1 User unknown")})
    ]
    assert send_due() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.no", "c@example.no"]
    for message in (first, refused, last):
        message.refresh_from_db()
    assert refused.status == MessageStatus.FAILED and refused.next_attempt_at is None
    assert first.status == last.status == MessageStatus.SENT


@flaky
def test_a_dropped_connection_is_reopened_for_the_rest_of_the_batch(db):
    written("a@example.no"), written("b@example.no"), written("c@example.no")
    FAILURES["a@example.no"] = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    assert send_due() == 2
    assert len(CONNECTIONS) == 2
    assert OutgoingMessage.objects.get(to="a@example.no").status == MessageStatus.AWAITING_RETRY


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_PORT=1)
def test_smtp_server_down_keeps_every_message_for_later(db):
    messages = [written(f"p{n}@example.no") for n in range(3)]
    assert send_due() == 0
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.AWAITING_RETRY
        assert message.attempts == 1


@flaky
def test_gives_up_after_ten_attempts(db):
    message = written()
    FAILURES["kari@example.no"] = [smtplib.SMTPDataError(451, b"busy") for _ in range(10)]
    for _attempt in range(10):
        OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        send_due()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 10)


def test_a_claim_whose_worker_died_is_sent_again_after_the_lease(db, clock):
    message = written()
    assert claim(10, timezone.now()) == [message.pk]  # a worker took it, then died
    assert send_due() == 0  # still leased to that worker
    clock.advance(timedelta(minutes=6))
    assert sweep_outbox() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == message.message_id


def test_resending_a_sent_message_gives_it_a_new_message_id(db):
    message = written()
    send_due()
    old_id = OutgoingMessage.objects.get().message_id
    with transaction.atomic():
        resend(OutgoingMessage.objects.get())
    send_due()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].extra_headers["Message-ID"] != old_id == message.message_id


def test_offer_email_that_lost_its_offer_is_not_sent(course_a, db):
    run = make_course_run(course_a, capacity=1)
    first, second = make_participant(), make_participant()
    register(run, first)
    register(run, second)  # waitlisted
    send_due()
    cancel(Registration.objects.get(user=first), actor=first)  # second is offered the seat
    offered = Registration.objects.get(user=second)
    cancel(offered, actor=second)  # ... and cancels before the offer email goes out
    mail.outbox = []
    send_due()
    assert [m.to for m in mail.outbox].count([second.email]) == 1  # the cancellation only
    assert OutgoingMessage.objects.get(kind="offered").status == MessageStatus.SUPERSEDED


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_PORT=1)
def test_signup_works_while_the_smtp_server_is_down(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "ny@example.no",
            "password1": "et langt passord 1",
            "password2": "et langt passord 1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ny@example.no")
    message = OutgoingMessage.objects.get(to="ny@example.no")
    assert message.template == "account/email/email_confirmation_signup"
    assert message.status == MessageStatus.AWAITING_RETRY
    assert user.emailaddress_set.get().verified is False
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        OutgoingMessage.objects.update(next_attempt_at=timezone.now())
        assert send_due() == 1
    [email] = mail.outbox
    assert "/accounts/confirm-email/" in email.body
