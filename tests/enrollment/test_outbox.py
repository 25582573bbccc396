"""The outbox: messages are written in the same transaction as the change, delivered once,
retried on temporary SMTP failures, given up on permanent ones, and swept when the broker
was down."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from enrollment.models import Registration
from enrollment.services.registration import register
from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import deliver, enqueue
from outbox.tasks import sweep_outbox

from .conftest import make_participant

FAILURES = []


class FlakyBackend(BaseEmailBackend):
    """Raises the next exception queued in ``FAILURES``, then behaves like locmem."""

    def send_messages(self, messages):
        if FAILURES:
            raise FAILURES.pop(0)
        mail.outbox.extend(messages)
        return len(messages)


flaky = override_settings(EMAIL_BACKEND=f"{__name__}.FlakyBackend")


@pytest.fixture(autouse=True)
def _no_failures():
    FAILURES.clear()
    yield
    FAILURES.clear()


def _message(**kwargs):
    return OutgoingMessage.objects.create(
        to="kari@example.no", subject="Hei", body_text="Tekst", **kwargs
    )


def test_rolled_back_registration_leaves_no_message(run_factory, person):
    run = run_factory()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        register(run, person)
        assert OutgoingMessage.objects.filter(to=person.email).count() == 1
        raise Boom
    assert not Registration.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_message_is_sent_only_after_commit(run_factory, person, django_capture_on_commit_callbacks):
    run = run_factory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register(run, person)
    assert mail.outbox == []  # nothing sent while the transaction was open
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert OutgoingMessage.objects.get().status == MessageStatus.SENT


def test_deliver_is_idempotent(db):
    message = _message()
    assert deliver(message.pk) == MessageStatus.SENT
    assert deliver(message.pk) is None
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert message.sent_at is not None


def test_enqueue_renders_in_the_given_language(db, run_factory):
    run = run_factory()
    reg_user = make_participant()
    message = enqueue(
        to=reg_user.email,
        template="enrollment/email/confirmed",
        context={"run": run, "user": reg_user, "registration": None},
        language="en",
    )
    assert message.language == "en"
    assert run.display_title in message.subject
    assert message.kind == "confirmed"


@flaky
def test_temporary_failure_is_retried(db):
    message = _message()
    FAILURES.append(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    before = timezone.now()
    assert deliver(message.pk) == MessageStatus.AWAITING_RETRY
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.next_attempt_at >= before + timedelta(seconds=30)
    assert "SMTPServerDisconnected" in message.last_error
    assert mail.outbox == []
    # Not due yet: nothing happens.
    assert deliver(message.pk) is None
    # Due: sent on the second attempt.
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert len(mail.outbox) == 1


@flaky
def test_temporary_451_is_retried(db):
    message = _message()
    FAILURES.append(smtplib.SMTPDataError(451, b"4.3.0 Try again later"))
    assert deliver(message.pk) == MessageStatus.AWAITING_RETRY


@flaky
def test_permanent_550_fails(db):
    message = _message()
    FAILURES.append(
        smtplib.SMTPRecipientsRefused({"kari@example.no": (550, b"5.1.1 User unknown")})
    )
    assert deliver(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert message.next_attempt_at is None
    assert message.attempts == 1
    assert deliver(message.pk) is None
    assert mail.outbox == []


def test_sweep_sends_old_queued_messages(db):
    """The broker was down at commit: queued rows older than 30 s are sent by the sweep."""
    old, fresh, sent = _message(), _message(), _message(status=MessageStatus.SENT)
    OutgoingMessage.objects.filter(pk__in=[old.pk, sent.pk]).update(
        created_at=timezone.now() - timedelta(seconds=31)
    )
    assert sweep_outbox() == 1
    for m in (old, fresh, sent):
        m.refresh_from_db()
    assert old.status == MessageStatus.SENT
    assert fresh.status == MessageStatus.QUEUED
    assert len(mail.outbox) == 1
    assert sweep_outbox() == 0
