"""What the end-to-end benchmarks run: the site under gunicorn, a real Celery worker, a local
SMTP server, and CPU accounting of process trees from /proc.

The servers use the database, broker and cache the bench itself is configured with (run it
with ``DATABASE_URL=postgres://…`` and ``CELERY_BROKER_URL=redis://…``), production settings
with throwaway secrets, and persistent database connections, as a production deployment should.
"""

import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
APP_NAME = "ipskurs-bench"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPSink:
    """A local aiosmtpd server that keeps what it receives (raw bytes, in order)."""

    def __init__(self):

        self.received = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        logging.getLogger("mail.log").setLevel(logging.WARNING)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((time.perf_counter(), envelope.rcpt_tos[0], envelope.content))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def count(self):
        with self.lock:
            return len(self.received)

    def clear(self):
        with self.lock:
            self.received = []


def database_url():
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


def redis_urls():
    """(broker, cache) Redis URLs the servers use: the bench's own when it has them."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        return None, None
    cache = settings.CACHES["default"]
    location = cache.get("LOCATION") if "redis" in cache["BACKEND"].lower() else None
    return broker, location or broker


def server_env(port, smtp_port, **extra):
    """Environment of the gunicorn and Celery processes: production settings, throwaway
    secrets, persistent connections, email to the bench's SMTP server."""
    broker, cache = redis_urls()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_BASE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "3600",  # none ends during a bench (CPU accounting)
        "CELERY_BROKER_URL": broker,
        "CACHE_URL": cache,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "LOG_LEVEL": "WARNING",
        "PGAPPNAME": APP_NAME,
        "STATIC_ROOT": STATIC_ROOT,
        **{key: str(value) for key, value in extra.items()},
    }


BENCH_SECRET_KEY = "bench-" + secrets.token_urlsafe(60)
STATIC_ROOT = str(Path(tempfile.gettempdir()) / "ipskurs-bench-static")


class Servers:
    """gunicorn (``workers`` sync workers) and a Celery worker (``workers`` processes, as
    docker/compose.yaml runs it), started and stopped."""

    def __init__(self, smtp_port, workers=2, log_dir=None):
        self.port = free_port()
        self.env = server_env(self.port, smtp_port)
        self.workers = workers
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix="ipskurs-bench-"))
        self.gunicorn = self.celery = None

    def __enter__(self):
        subprocess.run(  # noqa: S603 - our own manage.py
            [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=(self.log_dir / "gunicorn.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        self.celery = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                *(
                    ["--pool=solo"]
                    if os.environ.get("BENCH_CELERY_SOLO")
                    else [f"--concurrency={self.workers}"]
                ),
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=(self.log_dir / "celery.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the site did not start; see {self.log_dir}")

    def __exit__(self, *exc):
        for process in (self.gunicorn, self.celery):
            if process is not None:
                process.terminate()
        for process in (self.gunicorn, self.celery):
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _proc_stats():
    """pid -> (ppid, name, user+sys jiffies including reaped children)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                raw = handle.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        rest = raw[raw.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(rest[1]), name, sum(int(x) for x in rest[11:15]))
    return stats


def postmaster_pid():
    stats = _proc_stats()
    for pid, (ppid, name, _cpu) in stats.items():
        if name == "postgres" and stats.get(ppid, (0, ""))[1] != "postgres":
            return pid
    return None


def _own_seconds(pid):
    """User + system CPU seconds of ``pid`` itself (not of its reaped children)."""
    with open(f"/proc/{pid}/stat") as handle:
        raw = handle.read()
    rest = raw[raw.rindex(")") + 2 :].split()
    return (int(rest[11]) + int(rest[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database):
    """CPU seconds of the PostgreSQL processes that work for ``database``: its backends and
    autovacuum workers, the postmaster itself and the server's shared helpers (WAL writer,
    checkpointer, ...). Backends of other databases on the same server (a test run, another
    bench) are left out, so the figure is this bench's even on a shared machine. The bench's
    backends are persistent, so none of them exits (and drops out) between two readings."""
    root = postmaster_pid()
    if root is None:
        return 0.0
    total = 0.0
    for pid, (ppid, _name, _cpu) in _proc_stats().items():
        if pid != root and ppid != root:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                title = handle.read().replace(b"\0", b" ").decode(errors="replace")
            words = title.split()
            client = "(" in title or "[local]" in title or "autovacuum worker" in title
            if pid == root or not client or database in words:
                total += _own_seconds(pid)
        except (OSError, IndexError, ValueError):
            continue  # exited meanwhile
    return total


def redis_pid():
    for pid, (_ppid, name, _cpu) in _proc_stats().items():
        if name == "redis-server":
            return pid
    return None


def tree_cpu_seconds(roots):
    """CPU seconds of each named process tree: every live process of a tree counted once with
    its reaped children (whose time is in their reaper's c-times)."""
    stats = _proc_stats()
    ticks = os.sysconf("SC_CLK_TCK")
    children = {}
    for pid, (ppid, _name, _cpu) in stats.items():
        children.setdefault(ppid, []).append(pid)
    totals = {}
    for label, root in roots.items():
        if root is None or root not in stats:
            totals[label] = 0.0
            continue
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += stats[pid][2]
            todo += children.get(pid, [])
        totals[label] = total / ticks
    return totals


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]
