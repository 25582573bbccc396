"""Accounts are not kept forever: unclaimed accounts go after 90 days; accounts unused for 3
years are warned by email and deleted 30 days later unless the person signs in. Deleting keeps
registrations as anonymised statistics and certificates verifiable."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from attendance.models import Certificate
from enrollment.models import Registration
from organisations.models import Organisation
from outbox.models import OutgoingMessage
from people.models import User
from people.services.invited import create_invited_person
from people.tasks import apply_retention
from tests.factories import PASSWORD, UserFactory, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="NAV Grünerløkka")


START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))


def gone(user):
    user.refresh_from_db()
    return user.anonymised_at is not None and user.email.endswith("@anonymised.invalid")


def test_unclaimed_accounts_are_deleted_after_90_days(clock, org):
    clock.move_to(START)
    coordinator = UserFactory(email="koordinator@example.no")
    unclaimed, _invitation = create_invited_person(
        email="ny@example.no",
        name="Nina Ny",
        profession="other",
        organisation=org,
        invited_by=coordinator,
    )
    claimed, _i = create_invited_person(
        email="tatt@example.no",
        name="Tor Tatt",
        profession="other",
        organisation=org,
        invited_by=coordinator,
    )
    claimed.set_password(PASSWORD)
    claimed.last_login = START
    claimed.save()

    clock.advance(timedelta(days=89))
    apply_retention()
    assert not gone(unclaimed)

    clock.advance(timedelta(days=2))
    assert apply_retention()["unclaimed"] == 1
    assert gone(unclaimed) and not gone(claimed) and not gone(coordinator)


def test_unused_accounts_are_warned_then_deleted_but_registrations_and_certificates_stay(
    clock, course_a, capture
):
    clock.move_to(START)
    person = UserFactory(email="kari@example.no", first_name="Kari", last_name="Nordmann")
    person.last_login = START
    person.save()
    run = make_run(course_a, 10)
    registration = Registration.objects.create(
        run=run, user=person, status="confirmed", profession="therapist"
    )
    certificate = Certificate.objects.create(
        registration=registration,
        code="ABCD-EFGH-JK",
        participant_name="Kari Nordmann",
        course_title=course_a.title,
        provider_name="IPS ressurssenter Nord",
        first_date=START.date(),
        last_date=START.date(),
        hours=6,
        issued_at=START,
        pdf="certificates/kursbevis.pdf",
    )

    clock.advance(timedelta(days=3 * 365 - 1))
    mail.outbox = []
    assert apply_retention()["warned"] == 0

    clock.advance(timedelta(days=2))
    with capture():
        assert apply_retention()["warned"] == 1
    warning = OutgoingMessage.objects.get(to="kari@example.no", kind="retention_warning")
    assert warning.template == "people/email/retention_warning"
    sent = [m for m in mail.outbox if "kari@example.no" in m.to]
    assert len(sent) == 1 and "/accounts/login/" in sent[0].body
    assert apply_retention()["warned"] == 0  # once

    clock.advance(timedelta(days=29))
    apply_retention()
    assert not gone(person)

    clock.advance(timedelta(days=2))
    assert apply_retention()["inactive"] == 1
    assert gone(person)
    registration.refresh_from_db()
    assert registration.profession == "therapist" and registration.user_id == person.pk
    certificate.refresh_from_db()
    assert certificate.participant_name == "Kari Nordmann"  # still verifiable as issued


def test_signing_in_after_the_warning_keeps_the_account(client, clock, site):
    clock.move_to(START)
    person = UserFactory(email="kari@example.no")
    person.last_login = START
    person.save()
    clock.advance(timedelta(days=3 * 365 + 1))
    assert apply_retention()["warned"] == 1

    clock.advance(timedelta(days=10))
    response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302
    clock.advance(timedelta(days=25))
    assert apply_retention() == {"unclaimed": 0, "warned": 0, "inactive": 0}
    person.refresh_from_db()
    assert not gone(person) and person.retention_warned_at is None


def test_superusers_are_not_deleted_automatically(clock, superuser):
    clock.move_to(START)
    clock.advance(timedelta(days=5 * 365))
    apply_retention()
    clock.advance(timedelta(days=40))
    apply_retention()
    assert not gone(superuser)
    assert User.objects.filter(pk=superuser.pk, is_superuser=True).exists()
