"""Fixtures for the registration-and-waitlist tests: people with complete profiles, employers,
runs with sessions, and helpers to read the outbox.

Everything goes through the real models and services (no mocks of the database); the clock is
controlled by passing ``now=`` to the services.
"""

import itertools
import re
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import OSLO, CourseFormat, ReservedSeats
from enrollment.models import Registration
from organisations.models import Organisation
from tests.factories import make_participant, make_run
from tests.mail import outbox

_people = itertools.count(1)

requires_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (row locks); run with DATABASE_URL=postgres://…",
)


def make_employer(name="Bergen kommune, NAV"):
    return Organisation.objects.create(name=name)


def run_start(run):
    return run.starts_at


def make_course_run(course, *, days_ahead=30, reserved=(), **fields):
    """A published digital run (no venue needed). ``reserved`` = [(profession, seats,
    release_at)]."""
    fields.setdefault("format", CourseFormat.DIGITAL)
    fields.setdefault("capacity", 1)
    run = make_run(course, days_ahead, **fields)
    for profession, seats, release_at in reserved:
        ReservedSeats.objects.create(
            run=run, profession=profession, seats=seats, release_at=release_at
        )
    return run


def start_of(days_ahead):
    """The start time (09:00 Oslo) of a run made with ``days_ahead``."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    return datetime.combine(day, time(9, 0), tzinfo=OSLO)


def messages_to(user, kind=None):
    """The emails queued for ``user``, rendered as the worker would send them now."""
    return outbox(user, kind)


def offer_path(message):
    """The /tilbud/<token>/ path from an offer email body."""
    match = re.search(r"https?://[^/\s]+(/(?:en/)?tilbud/[^/\s]+/)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def statuses(run):
    return dict(Registration.objects.filter(run=run).values_list("user__email", "status"))


@pytest.fixture
def employer(db):
    return make_employer("Helse Bergen")


@pytest.fixture
def person(employer):
    return make_participant(employer)


@pytest.fixture
def participant_factory(db):
    return make_participant


@pytest.fixture
def run_factory(course_a):
    def factory(**fields):
        return make_course_run(course_a, **fields)

    return factory


def nb(msgid):
    """``msgid`` as the site shows it in Norwegian (HTML-escaped), whether or not the
    catalogue translates it yet."""
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    with translation.override("nb"):
        return escape(gettext(msgid))
