"""seed_demo under production settings: refused unless --allow-production, and then every
account it creates gets its own random password, printed once (never the README's)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from devtools.demo import ADMIN_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_refused_under_production_settings(settings):
    settings.IS_PRODUCTION = True
    before = get_user_model().objects.count()
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.count() == before


def test_allowed_with_the_flag_and_random_passwords_printed_once(settings):
    settings.IS_PRODUCTION = True
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    output = out.getvalue()
    assert DEMO_PASSWORD not in output
    printed = dict(re.findall(r"^\s+(\S+@ipskurs\.no)\s+(\S+)$", output, re.M))
    admin = get_user_model().objects.get(email=ADMIN_EMAIL)
    assert not admin.check_password(DEMO_PASSWORD)
    assert admin.check_password(printed[ADMIN_EMAIL])
    assert len(set(printed.values())) == len(printed) > 5  # one password each

    # Run again: nothing new is created, so no password is printed again.
    again = StringIO()
    call_command("seed_demo", "--allow-production", stdout=again)
    assert not re.findall(r"^\s+\S+@ipskurs\.no\s+\S+$", again.getvalue(), re.M)
    admin.refresh_from_db()
    assert admin.check_password(printed[ADMIN_EMAIL])
