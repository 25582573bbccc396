"""A real Celery worker, Redis and SMTP server for the tests that need them.

The worker is a ``celery worker`` subprocess using the test database (PostgreSQL only: another
process cannot see SQLite's in-memory test database), Redis as broker and as the shared cache
(``TEST_REDIS_URL``, default DB 11, emptied before and after each test), and a local aiosmtpd
server that can refuse, defer or slow down messages.
"""

import fcntl
import os
import socket
import subprocess
import sys
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from outbox.tasks import send_outbox
from tests.conftest import use_broker

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
CACHE = {
    "default": {
        "BACKEND": "common.cache.RedisCache",
        "LOCATION": REDIS_URL,
    }
}


def redis_client():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


needs_worker = [
    # They share one Redis database, so they take turns (see ``redis_turn``); the group keeps
    # them in one pytest-xdist process where --dist loadgroup works.
    pytest.mark.xdist_group("worker"),
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker subprocess needs the test database from another process: "
        "PostgreSQL only (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(redis_client() is None, reason=f"no Redis server at {REDIS_URL}"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPCollector:
    """aiosmtpd handler: answers 451 to the first ``fail_first`` messages, 550 to recipients
    in ``refuse``, waits ``delay`` seconds per message, and keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.fail_first = 0
        self.refused = 0
        self.refuse = set()
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 4.3.0 Try again later"
        if self.delay:
            time.sleep(self.delay)
        self.messages.append(envelope)
        return "250 OK"

    def count_per_recipient(self):
        counts = {}
        for envelope in self.messages:
            for rcpt in envelope.rcpt_tos:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts

    def message_ids(self):
        """recipient -> the set of Message-IDs they received."""
        ids = {}
        for envelope in self.messages:
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            for rcpt in envelope.rcpt_tos:
                ids.setdefault(rcpt, set()).add(parsed["Message-ID"])
        return ids


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = SMTPCollector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


class Worker:
    """A ``celery worker`` subprocess (started and stopped, or killed, by the test)."""

    def __init__(self, smtp_port, log_path, **settings):
        self.log_path = log_path
        self.process = None
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_BROKER_URL": REDIS_URL,
            "CACHE_URL": REDIS_URL,
            "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
                **connection.settings_dict
            ),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            **{key: str(value) for key, value in settings.items()},
        }

    def start(self):
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(  # noqa: S603 (our own celery binary)
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self):
        """SIGKILL: no chance to finish what it was doing."""
        self.process.kill()
        self.process.wait()
        self.process = None
        self._log.close()

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log.close()


@pytest.fixture
def worker_settings():
    """Settings for the worker subprocess; a test may override this fixture."""
    return {}


@pytest.fixture
def redis_turn():
    """Hold the test Redis database alone for one test: an exclusive lock on a file shared by
    every pytest process on this machine (pytest-xdist workers included), so one test's
    worker never consumes another test's tasks and no test empties Redis under another."""
    path = Path(tempfile.gettempdir()) / f"ipskurs-test-redis-{REDIS_URL.rsplit('/', 1)[-1]}.lock"
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def worker(redis_turn, smtp_server, tmp_path, worker_settings):
    """A stopped worker (call ``.start()``). This process publishes to the same Redis and
    shares its cache; the worker is always stopped and Redis emptied afterwards."""
    client = redis_client()
    client.flushdb()
    port, _handler = smtp_server
    w = Worker(port, tmp_path / "worker.log", **worker_settings)
    try:
        with use_broker(REDIS_URL) as app, override_settings(CACHES=CACHE):
            # Tasks must really be published, and by the app this fixture pointed at Redis.
            assert not app.conf.task_always_eager
            assert send_outbox.app is app, "another Celery app became current"
            yield w
    finally:
        w.stop()
        client.flushdb()


def wait_for(predicate, timeout, worker=None, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker is not None and worker.process is not None:
            assert worker.alive(), "worker died:\n" + worker.log()
        time.sleep(interval)
    return predicate()
