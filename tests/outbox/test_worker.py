"""Email through a real Redis broker, a real ``celery worker`` subprocess and a local SMTP
server, under faults: the worker down while people register, the SMTP server deferring
(451) for a while, refusing one address (550), the worker SIGKILLed twice in the middle of
200 sends, and the broker down during registrations. In every case nothing is lost, and no
content reaches anyone under two Message-IDs."""

import time

import pytest

from enrollment.services.registration import register
from outbox.models import MessageStatus, OutgoingMessage
from outbox.tasks import send_outbox
from tests.calendars.conftest import calendar_parts, make_digital_run, mime
from tests.conftest import use_broker
from tests.factories import make_participant
from tests.worker import needs_worker, redis_client, wait_for

pytestmark = needs_worker

DEAD_BROKER = "redis://127.0.0.1:1/0"


def sweep():
    """Queue the sweep as beat does: published to the broker, never run in this process."""
    send_outbox.app.send_task("outbox.tasks.sweep_outbox")


def _statuses():
    return dict(OutgoingMessage.objects.values_list("pk", "status"))


def _all_sent():
    return set(_statuses().values()) == {MessageStatus.SENT}


def _one_message_id_each(smtp):
    """Every recipient got their message under exactly the Message-ID written with it."""
    written = dict(OutgoingMessage.objects.values_list("to", "message_id"))
    received = smtp.message_ids()
    assert all(len(ids) == 1 for ids in received.values()), received
    assert {to: ids.pop() for to, ids in received.items()} == {to: written[to] for to in received}


def test_worker_down_then_up_delivers_every_invitation_once(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    run = make_digital_run(course_a, capacity=100)
    people = [make_participant() for _ in range(100)]
    registrations = [register(run, person) for person in people]  # the worker is not running
    assert {r.status for r in registrations} == {"confirmed"}
    assert OutgoingMessage.objects.filter(kind="confirmed").count() == 100
    assert set(_statuses().values()) == {MessageStatus.QUEUED}
    # A burst of commits queues one send task, not one per email.
    assert redis_client().llen("celery") == 1
    assert smtp.messages == []

    worker.start()
    assert wait_for(lambda: len(smtp.messages) >= 100, 60, worker), (
        f"{len(smtp.messages)} of 100 emails within 60 s; worker log:\n" + worker.log()
    )
    time.sleep(1)  # anything extra would arrive now
    assert smtp.count_per_recipient() == {p.email: 1 for p in people}
    for envelope in smtp.messages:
        parts = calendar_parts(mime(envelope.content))
        inline = [p for p, _t in parts if p.get_content_disposition() is None]
        assert inline[0].get_param("method") == "REQUEST"
        assert b"BEGIN:VCALENDAR\r\n" in envelope.content  # CRLF on the wire
    assert wait_for(_all_sent, 10)
    assert set(OutgoingMessage.objects.values_list("attempts", flat=True)) == {1}
    _one_message_id_each(smtp)


def test_deferred_by_the_smtp_server_for_a_while(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    smtp.fail_first = 4  # 451 for the first four messages
    worker.start()
    run = make_digital_run(course_a, capacity=3)
    people = [make_participant() for _ in range(3)]
    for person in people:
        register(run, person)
    assert wait_for(_all_sent, 45, worker), f"{_statuses()}; worker log:\n" + worker.log()
    assert smtp.refused == 4
    assert smtp.count_per_recipient() == {p.email: 1 for p in people}
    attempts = list(OutgoingMessage.objects.values_list("attempts", flat=True))
    assert sum(attempts) == 3 + 4 and max(attempts) > 1
    _one_message_id_each(smtp)


def test_one_refused_address_fails_alone(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    run = make_digital_run(course_a, capacity=5)
    people = [make_participant() for _ in range(5)]
    smtp.refuse = {people[2].email}
    worker.start()
    for person in people:
        register(run, person)

    def settled():
        return (
            set(_statuses().values()) <= {MessageStatus.SENT, MessageStatus.FAILED}
            and len(smtp.messages) == 4
        )

    assert wait_for(settled, 30, worker), f"{_statuses()}; worker log:\n" + worker.log()
    failed = OutgoingMessage.objects.get(status=MessageStatus.FAILED)
    assert failed.to == people[2].email and "550" in failed.last_error
    assert failed.attempts == 1  # a permanent refusal is not retried
    assert smtp.count_per_recipient() == {p.email: 1 for p in people if p != people[2]}
    _one_message_id_each(smtp)


# A short lease, so the claims of a killed worker come back within the test.
@pytest.mark.parametrize("worker_settings", [{"OUTBOX_LEASE_SECONDS": 3}])
def test_worker_killed_twice_in_the_middle_of_200_sends(
    course_a, smtp_server, worker, worker_settings
):
    _port, smtp = smtp_server
    smtp.delay = 0.02  # about 4 s for everything: time to kill the worker in the middle
    run = make_digital_run(course_a, capacity=200)
    people = [make_participant() for _ in range(200)]
    for person in people:
        register(run, person)
    worker.start()
    for stop_at in (40, 110):
        assert wait_for(lambda n=stop_at: len(smtp.messages) >= n, 60, worker), worker.log()
        worker.kill()  # claimed rows stay "sending" until their lease runs out
        assert len(smtp.messages) < 200
        worker.start()
        time.sleep(3.5)
        sweep()  # what beat does every minute
    assert wait_for(_all_sent, 90, worker), f"{_statuses()}; worker log:\n" + worker.log()
    # Nobody lost; a message the server accepted just before a kill may come twice, but as
    # the same message.
    assert set(smtp.count_per_recipient()) == {p.email for p in people}
    _one_message_id_each(smtp)


def test_broker_down_during_registrations_then_the_sweep_sends(course_a, smtp_server, worker):
    _port, smtp = smtp_server
    worker.start()
    run = make_digital_run(course_a, capacity=10)
    people = [make_participant() for _ in range(10)]
    with use_broker(DEAD_BROKER):
        registrations = [register(run, person) for person in people]
    assert {r.status for r in registrations} == {"confirmed"}  # nobody noticed
    time.sleep(2)
    assert set(_statuses().values()) == {MessageStatus.QUEUED} and smtp.messages == []

    sweep()  # the broker is back; beat runs the sweep every minute
    assert wait_for(_all_sent, 30, worker), worker.log()
    assert smtp.count_per_recipient() == {p.email: 1 for p in people}
    _one_message_id_each(smtp)
