"""End to end with a real Celery worker, Redis and an SMTP server: a registration committed in
the web process is delivered as an email by the worker."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from enrollment.services.registration import register
from outbox.models import MessageStatus, OutgoingMessage

from .conftest import make_course_run, make_participant

BROKER = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/12")
ROOT = Path(__file__).resolve().parents[2]


def _redis():
    try:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/12", socket_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker needs the test database from another process: PostgreSQL only",
    ),
    pytest.mark.skipif(_redis() is None, reason="no Redis server on 127.0.0.1:6379"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Collector:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    handler = Collector()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, handler
    controller.stop()


@pytest.fixture
def worker(smtp_server, tmp_path):
    port, _handler = smtp_server
    redis_client = _redis()
    redis_client.flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
        "DATABASE_URL": (
            "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    from tests.conftest import use_broker

    try:
        with use_broker("redis://127.0.0.1:6379/12"):
            yield process, tmp_path / "worker.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        redis_client.flushdb()


def test_worker_delivers_confirmation_over_smtp(course_a, smtp_server, worker):
    _port, handler = smtp_server
    process, log_path = worker
    run = make_course_run(course_a, capacity=2, title="Grunnkurs med ekte kø")
    person = make_participant()
    reg = register(run, person)  # commits: the message is queued to Redis after commit

    deadline = time.monotonic() + 25
    while time.monotonic() < deadline and not handler.messages:
        assert process.poll() is None, log_path.read_text()
        time.sleep(0.2)
    assert handler.messages, "no email within 25 s; worker log:\n" + log_path.read_text()
    [envelope] = handler.messages
    assert envelope.rcpt_tos == [person.email]
    body = envelope.content.decode("utf-8", "replace")
    assert "Subject:" in body
    message = OutgoingMessage.objects.get(registration=reg)
    for _ in range(50):
        message.refresh_from_db()
        if message.status == MessageStatus.SENT:
            break
        time.sleep(0.1)
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
