from contextlib import contextmanager, suppress

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.utils import timezone, translation

from cms.groups import ensure_editors_group
from courses.setup import ensure_site

from .factories import UserFactory, make_course, make_provider


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts in the default language (a request to /en/ leaves English active in
    the thread) with an empty cache."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
    cache.clear()


@pytest.fixture(autouse=True)
def _requests_commit(monkeypatch, django_capture_on_commit_callbacks):
    """A test client's request ends as a real one does: what it did is committed, so its
    on-commit work (the outbox sending its email, background tasks) runs before the response
    reaches the test. Tests are wrapped in a transaction that never commits, which would
    otherwise keep that work from ever running."""
    request = Client.request

    def committing_request(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committing_request)


@pytest.fixture
def site(db):
    """(home page, catalogue page) of the default site."""
    return ensure_site()


@pytest.fixture
def home(site):
    return site[0]


@pytest.fixture
def catalogue(site):
    return site[1]


@pytest.fixture
def provider_a(home):
    return make_provider(home, "IPS ressurssenter Nord", "nord", short_name="Nord")


@pytest.fixture
def provider_b(home):
    return make_provider(home, "IPS ressurssenter Vest", "vest", short_name="Vest")


@pytest.fixture
def course_a(provider_a):
    return make_course(provider_a, "Grunnkurs i IPS", "grunnkurs-nord")


@pytest.fixture
def course_b(provider_b):
    return make_course(provider_b, "IPS ung", "ips-ung")


@pytest.fixture
def editor_a(provider_a):
    return UserFactory(email="redaktor.nord@example.no", groups=[ensure_editors_group(provider_a)])


@pytest.fixture
def editor_b(provider_b):
    return UserFactory(email="redaktor.vest@example.no", groups=[ensure_editors_group(provider_b)])


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.no", is_staff=True, is_superuser=True)


@contextmanager
def use_broker(url, eager=False):
    """Point this process's Celery app at another broker for a test, and back afterwards.

    Celery resolves broker_write_url/broker_read_url from broker_url once and caches
    connections in two pools, so all of these must change together; tests that switched only
    broker_url leaked their broker into later tests."""
    from config.celery import app

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    keys = ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=url, broker_write_url=url, broker_read_url=url, task_always_eager=eager
    )
    reset()
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset()


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """``with capture():`` runs the on-commit callbacks (outbox sends, certificate
    generation) at the end of the block, as a committed request would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


class Clock:
    """The one way a test moves time.

    ``clock.move_to(moment)`` (or ``with clock(moment):`` for a block) moves every clock the
    code reads, ``timezone.now()``, ``datetime.now()``, ``date.today()`` and ``time.time()``
    alike, and holds it there (``tick=True`` lets it run on from there). Login sessions move
    with the clock: a test client that was logged in stays logged in, as if it had logged in
    just before the new moment, so a test that jumps past ``SESSION_COOKIE_AGE`` does not
    silently turn into an anonymous visit.
    """

    def __init__(self):
        self._travellers = []

    def move_to(self, moment, *, tick=False):
        before = timezone.now()
        traveller = time_machine.travel(moment, tick=tick)
        traveller.start()
        self._travellers.append(traveller)
        self._carry_sessions(timezone.now() - before)
        return timezone.now()

    def advance(self, delta, *, tick=False):
        return self.move_to(timezone.now() + delta, tick=tick)

    def back(self):
        """Undo the latest move."""
        before = timezone.now()
        self._travellers.pop().stop()
        self._carry_sessions(timezone.now() - before)

    @contextmanager
    def __call__(self, moment, *, tick=False):
        yield self.move_to(moment, tick=tick)
        self.back()

    def stop(self):
        while self._travellers:
            self._travellers.pop().stop()

    @staticmethod
    def _carry_sessions(delta):
        from django.contrib.sessions.models import Session

        # A test without database access has no sessions to carry.
        with suppress(RuntimeError):
            Session.objects.update(expire_date=F("expire_date") + delta)


@pytest.fixture
def clock():
    """Move time in a test (see ``Clock``); time is back to normal after the test."""
    moved = Clock()
    yield moved
    moved.stop()
