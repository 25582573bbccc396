"""One client-address rule behind the reverse proxy (common.client_ip, TRUSTED_PROXY_COUNT):
allauth's limits and the certificate lookup count the client, not the proxy."""

import pytest
from django.test import Client, RequestFactory

from common.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # REMOTE_ADDR of every request: the proxy in front of the app
LOGIN = "/accounts/login/"


def behind_proxy(client_address):
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def signed_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy trusted: the header is the client's word
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.9, 203.0.113.5", "203.0.113.5"),  # the left one is forged
        (2, "198.51.100.9, 203.0.113.5", "198.51.100.9"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
    ],
)
def test_the_rule(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _fail_logins(client, times):
    for i in range(times):
        client.post(LOGIN, {"login": f"nobody{i}@example.no", "password": "wrong"})


def test_failed_logins_from_one_client_do_not_lock_out_another(settings, site):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="kari@example.no")
    attacker = behind_proxy("203.0.113.5")
    _fail_logins(attacker, 12)
    # The attacker is limited by now ...
    last = attacker.post(LOGIN, {"login": "kari@example.no", "password": PASSWORD})
    assert not signed_in(attacker), last.status_code

    # ... but Kari, another client behind the same proxy, signs in.
    kari = behind_proxy("198.51.100.7")
    kari.post(LOGIN, {"login": "kari@example.no", "password": PASSWORD})
    assert signed_in(kari)


def test_without_the_setting_everyone_behind_the_proxy_shares_one_limit(settings, site):
    """Why the setting matters: with no trusted proxy, the proxy's address is everyone's."""
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(email="kari@example.no")
    _fail_logins(behind_proxy("203.0.113.5"), 12)
    kari = behind_proxy("198.51.100.7")
    kari.post(LOGIN, {"login": "kari@example.no", "password": PASSWORD})
    assert not signed_in(kari)


def test_certificate_lookups_are_limited_per_client_behind_the_proxy(settings, site):
    settings.TRUSTED_PROXY_COUNT = 1
    busy = behind_proxy("203.0.113.5")
    lookup = {"code": "ABCD-EFGH"}
    statuses = [busy.get("/certificates/verify/", lookup).status_code for _ in range(40)]
    assert 429 in statuses
    other = behind_proxy("198.51.100.7")
    assert other.get("/certificates/verify/", {"code": "ABCD-EFGH"}).status_code == 404
