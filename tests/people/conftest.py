"""Fixtures for the people-and-organisations tests: people, employers, coordinators.

Everything is created through the real models (and the membership services), on the shipped
geo reference data, so tests see what a user would see.
"""

import re
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from geo.models import Municipality
from organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from people.models import User
from people.professions import Profession

PASSWORD = "Fjelltur-i-regnvær-42"


def municipality(number: str) -> Municipality:
    return Municipality.objects.valid_on().select_related("county").get(number=number)


def make_account(
    email,
    *,
    first_name="Kari",
    last_name="Nordmann",
    profession=Profession.JOB_SPECIALIST,
    verified=True,
    password=PASSWORD,
    **fields,
):
    user = User.objects.create_user(
        email,
        password,
        first_name=first_name,
        last_name=last_name,
        profession=profession,
        **fields,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def make_org(name, *, number="0301", org_number="", status=OrganisationStatus.ACTIVE, **fields):
    place = municipality(number)
    fields.setdefault("kind", OrganisationKind.NAV_OFFICE)
    return Organisation.objects.create(
        name=name,
        municipality=place,
        county=place.county,
        org_number=org_number,
        status=status,
        **fields,
    )


def employ(user, organisation, role=MembershipRole.MEMBER):
    return Membership.objects.create(user=user, organisation=organisation, role=role)


def shows(response, msgid, **params):
    """Whether the page shows the (translated) message ``msgid``, HTML-escaped as rendered."""
    text = gettext(msgid)
    if params:
        text = text % params
    content = response.content.decode()
    return escape(text) in content or text in unescape(content)


def links_in(message, pattern=r"https?://\S+"):
    return re.findall(pattern, message.body)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture(autouse=True)
def _people_state():
    """Norwegian (the site's default language), an empty cache (allauth keeps its rate limits
    there) and an empty outbox for every test."""
    cache.clear()
    mail.outbox = []
    with translation.override("nb"):
        yield
    cache.clear()


@pytest.fixture
def oslo_nav(db):
    return make_org("NAV Grünerløkka", number="0301", org_number="974760673")


@pytest.fixture
def bergen_dps(db):
    return make_org(
        "Bjørgvin DPS",
        number="4601",
        org_number="923609016",
        kind=OrganisationKind.HEALTH_TRUST,
    )


@pytest.fixture
def coordinator_a(oslo_nav):
    user = make_account("koordinator.a@example.no", first_name="Kristin", last_name="Koord")
    employ(user, oslo_nav, MembershipRole.COORDINATOR)
    return user


@pytest.fixture
def coordinator_b(bergen_dps):
    user = make_account("koordinator.b@example.no", first_name="Bjarne", last_name="Berg")
    employ(user, bergen_dps, MembershipRole.COORDINATOR)
    return user


@pytest.fixture
def member_a(oslo_nav):
    user = make_account(
        "ola.medlem@example.no",
        first_name="Ola",
        last_name="Medlem",
        profession=Profession.THERAPIST,
    )
    employ(user, oslo_nav)
    return user


@pytest.fixture
def member_b(bergen_dps):
    user = make_account(
        "berit.vest@example.no",
        first_name="Berit",
        last_name="Vestlending",
        profession=Profession.LEADER,
    )
    employ(user, bergen_dps)
    return user


@pytest.fixture
def admin_user(db):
    return make_account("admin.people@example.no", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    """A client signed in as a superuser."""
    client.force_login(admin_user)
    return client
