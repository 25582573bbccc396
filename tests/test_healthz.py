"""/healthz reports the database and the Celery broker."""

import socket
from urllib.parse import urlparse

import pytest

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def broker_reachable():
    url = urlparse(celery_app.conf.broker_url)
    if url.scheme not in ("redis", "rediss", "amqp"):
        return True
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def unreachable_broker():
    from tests.conftest import use_broker

    with use_broker("redis://127.0.0.1:1/0", eager=True):
        yield


@pytest.mark.redis
def test_healthy(client):
    if not broker_reachable():
        pytest.skip(f"the Celery broker at {celery_app.conf.broker_url} is not reachable")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "error": None},
        "broker": {"ok": True, "error": None},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unreachable_broker_is_503(client, unreachable_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": True, "error": None}
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]


def test_broker_setting_is_restored(unreachable_broker):
    # broker_url itself is overridden by a CELERY_BROKER_URL environment variable (CI sets
    # one); what the app connects to for publishing is broker_write_url.
    assert celery_app.conf.broker_write_url == "redis://127.0.0.1:1/0"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405
