"""Invitations with a real Redis broker (DB 11), a real `celery worker` subprocess and a local
aiosmtpd server: nothing lost while the worker is down, temporary SMTP failures retried, a
task delivered twice sends once, and a registration made while the broker is unreachable is
sent by the sweep."""

import time
from datetime import timedelta

import pytest
from django.db import connection

from enrollment.services.registration import register
from outbox.models import MessageStatus, OutgoingMessage
from outbox.tasks import send_message, sweep_outbox

from .conftest import (
    REDIS_URL,
    broker,
    calendar_parts,
    make_digital_run,
    make_participant,
    mime,
    redis_client,
    wait_for,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker subprocess needs the test database from another process: "
        "PostgreSQL only (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(
        redis_client() is None, reason=f"no Redis server at {REDIS_URL} (redis-server needed)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEAD_BROKER = "redis://127.0.0.1:1/0"


def _statuses(ids):
    return dict(OutgoingMessage.objects.filter(pk__in=ids).values_list("pk", "status"))


def _queue_length():
    return redis_client().llen("celery")


def test_worker_down_then_up_delivers_every_invitation_once(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    run = make_digital_run(course_a, capacity=100)
    people = [make_participant() for _ in range(100)]
    registrations = [register(run, person) for person in people]  # the worker is not running
    assert {r.status for r in registrations} == {"confirmed"}
    ids = list(OutgoingMessage.objects.filter(kind="confirmed").values_list("pk", flat=True))
    assert len(ids) == 100
    assert set(_statuses(ids).values()) == {MessageStatus.QUEUED}
    assert _queue_length() == 100  # the tasks wait in Redis
    assert smtp.messages == []

    worker.start()
    assert wait_for(lambda: len(smtp.messages) >= 100, 60, worker), (
        f"{len(smtp.messages)} of 100 emails within 60 s; worker log:\n" + worker.log()
    )
    time.sleep(1)  # anything extra would arrive now
    counts = smtp.count_per_recipient()
    assert counts == {p.email: 1 for p in people}
    for envelope in smtp.messages:
        parts = calendar_parts(mime(envelope.content))
        assert parts, "no text/calendar part"
        inline = [p for p, _t in parts if p.get_content_disposition() is None]
        assert inline[0].get_param("method") == "REQUEST"
        assert b"BEGIN:VCALENDAR\r\n" in envelope.content  # CRLF on the wire
    assert wait_for(lambda: set(_statuses(ids).values()) == {MessageStatus.SENT}, 10)
    assert set(OutgoingMessage.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}


def test_temporary_smtp_failures_are_retried_with_backoff(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    smtp.fail_first = 4  # 451 for the first four DATA commands
    worker.start()
    run = make_digital_run(course_a, capacity=3)
    people = [make_participant() for _ in range(3)]
    for person in people:
        register(run, person)
    ids = list(OutgoingMessage.objects.values_list("pk", flat=True))
    assert len(ids) == 3
    assert wait_for(lambda: set(_statuses(ids).values()) == {MessageStatus.SENT}, 45, worker), (
        f"{_statuses(ids)}; worker log:\n" + worker.log()
    )
    assert smtp.refused == 4
    assert smtp.count_per_recipient() == {p.email: 1 for p in people}
    messages = list(OutgoingMessage.objects.filter(pk__in=ids))
    assert sum(m.attempts for m in messages) == 3 + 4
    assert max(m.attempts for m in messages) > 1
    retried = [m for m in messages if m.attempts > 1]
    assert all("451" in m.last_error for m in retried)


def test_same_send_task_twice_sends_one_email(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    run = make_digital_run(course_a)
    person = make_participant()
    with broker(DEAD_BROKER):  # no task for the registration itself
        registration = register(run, person)
    [message] = OutgoingMessage.objects.filter(registration=registration)
    send_message.delay(message.pk)
    send_message.delay(message.pk)
    assert _queue_length() == 2
    worker.start()
    assert wait_for(lambda: _queue_length() == 0 and smtp.messages, 30, worker), worker.log()
    time.sleep(1.5)  # the second task has been handled by now (solo pool, in order)
    assert smtp.count_per_recipient() == {person.email: 1}
    assert wait_for(lambda: _statuses([message.pk])[message.pk] == MessageStatus.SENT, 10)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)


def test_broker_down_at_registration_then_sweep_sends(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    worker.start()
    run = make_digital_run(course_a)
    person = make_participant()
    with broker(DEAD_BROKER):
        registration = register(run, person)  # succeeds although the broker is unreachable
    assert registration.status == "confirmed"
    [message] = OutgoingMessage.objects.filter(registration=registration)
    time.sleep(2)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and smtp.messages == []

    # Broker back; half a minute later the sweep (beat would run it) finds the row.
    OutgoingMessage.objects.filter(pk=message.pk).update(
        created_at=message.created_at - timedelta(seconds=31)
    )
    sweep_outbox.delay()
    assert wait_for(lambda: smtp.messages, 30, worker), worker.log()
    assert smtp.count_per_recipient() == {person.email: 1}
    # The SMTP server has it before the worker's transaction commits the status.
    assert wait_for(lambda: _statuses([message.pk])[message.pk] == MessageStatus.SENT, 10)
