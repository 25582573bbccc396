"""Federated sign-in configuration from the environment, and the small rules behind it that the
provider tests (test_federated_login.py) cannot reach with the local test provider."""

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import ImproperlyConfigured

from config.settings.federation import openid_connect_apps
from people.social import FederatedProvider, expected_issuer

from .oidc import client_key

ENTRA = {
    "OIDC_PROVIDERS": "entra",
    "OIDC_ENTRA_NAME": "Microsoft Entra ID",
    "OIDC_ENTRA_SERVER_URL": "https://login.microsoftonline.com/organizations/v2.0/",
    "OIDC_ENTRA_CLIENT_ID": "0f0e-client",
    "OIDC_ENTRA_CLIENT_SECRET": "from-the-secret-store",
}


def test_no_providers_by_default():
    assert openid_connect_apps({}) == []


def test_a_client_secret_provider():
    [app] = openid_connect_apps(ENTRA)

    assert app["provider_id"] == "entra"
    assert app["name"] == "Microsoft Entra ID"
    assert app["client_id"] == "0f0e-client"
    assert app["secret"] == "from-the-secret-store"
    assert app["settings"]["server_url"] == "https://login.microsoftonline.com/organizations/v2.0"
    assert app["settings"]["token_auth_method"] == "client_secret_post"
    assert app["settings"]["scope"] == ["openid", "profile", "email"]
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert app["settings"]["auth_params"] == {}
    assert app["settings"]["email_verified_claim"] == "email_verified"
    assert app["settings"]["logout"] is True
    assert app["settings"]["fetch_userinfo"] is True


def test_an_id_porten_provider_with_private_key_jwt(tmp_path):
    key, _public_jwk = client_key(tmp_path)

    [app] = openid_connect_apps(
        {
            "OIDC_PROVIDERS": "id-porten",
            "OIDC_ID_PORTEN_SERVER_URL": "https://idporten.no",
            "OIDC_ID_PORTEN_CLIENT_ID": "abc",
            "OIDC_ID_PORTEN_CLIENT_SECRET": "not sent with private_key_jwt",
            "OIDC_ID_PORTEN_PRIVATE_KEY_FILE": str(key),
            "OIDC_ID_PORTEN_KEY_ID": "ipskurs-2026",
            "OIDC_ID_PORTEN_SCOPE": "openid profile",
            "OIDC_ID_PORTEN_ACR_VALUES": "idporten-loa-substantial",
        }
    )

    assert app["settings"]["token_auth_method"] == "private_key_jwt"
    assert app["secret"] == ""
    assert app["settings"]["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert app["settings"]["key_id"] == "ipskurs-2026"
    assert app["settings"]["assertion_audience"] == "issuer"
    assert app["settings"]["auth_params"] == {"acr_values": "idporten-loa-substantial"}
    # Without OIDC_*_ACCEPTED_ACR, exactly the requested level is accepted.
    assert app["settings"]["accepted_acr"] == ["idporten-loa-substantial"]


def test_a_public_client_needs_no_secret():
    [app] = openid_connect_apps(
        {
            "OIDC_PROVIDERS": "testidp",
            "OIDC_TESTIDP_SERVER_URL": "http://127.0.0.1:9400",
            "OIDC_TESTIDP_CLIENT_ID": "ipskurs-dev",
        }
    )

    assert app["settings"]["token_auth_method"] == "none"
    assert app["name"] == "testidp"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"OIDC_ENTRA_SERVER_URL": ""}, "OIDC_ENTRA_SERVER_URL"),
        ({"OIDC_ENTRA_CLIENT_ID": " "}, "OIDC_ENTRA_CLIENT_ID"),
        ({"OIDC_ENTRA_AUTH_METHOD": "client_secret_jwt"}, "OIDC_ENTRA_AUTH_METHOD"),
        ({"OIDC_ENTRA_AUTH_METHOD": "private_key_jwt"}, "OIDC_ENTRA_PRIVATE_KEY_FILE"),
        ({"OIDC_ENTRA_PRIVATE_KEY_FILE": "/nonexistent/key.pem"}, "OIDC_ENTRA_PRIVATE_KEY_FILE"),
        ({"OIDC_ENTRA_PRIVATE_KEY_FILE": __file__}, "OIDC_ENTRA_PRIVATE_KEY_FILE"),
        (
            {"OIDC_ENTRA_CLIENT_SECRET": "", "OIDC_ENTRA_AUTH_METHOD": "client_secret_basic"},
            "OIDC_ENTRA_CLIENT_SECRET",
        ),
        ({"OIDC_ENTRA_LOGOUT": "maybe"}, "OIDC_ENTRA_LOGOUT"),
        ({"OIDC_ENTRA_ASSERTION_AUDIENCE": "everyone"}, "OIDC_ENTRA_ASSERTION_AUDIENCE"),
        ({"OIDC_PROVIDERS": "Entra"}, "OIDC_PROVIDERS"),
        ({"OIDC_PROVIDERS": "entra,entra"}, "OIDC_PROVIDERS"),
    ],
)
def test_a_wrong_configuration_stops_the_start_naming_the_variable(change, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        openid_connect_apps({**ENTRA, **change})


def provider(**app_settings):
    app = SocialApp(provider="openid_connect", provider_id="entra", name="Entra", client_id="c")
    app.settings = {"server_url": "https://example.invalid", **app_settings}
    return FederatedProvider(request=None, app=app)


@pytest.mark.parametrize(
    ("claims", "verified"),
    [
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),
        ({"email_verified": "false"}, False),  # a string is not a yes
        ({"email_verified": 1}, False),
        ({}, False),
    ],
)
def test_an_email_counts_as_verified_only_when_the_claim_is_true(claims, verified):
    data = {"id_token": {"sub": "1", "email": "Kari@Example.no", **claims}}

    [address] = provider().extract_email_addresses(data)

    assert (address.email, address.verified) == ("kari@example.no", verified)


def test_entra_id_can_vouch_for_email_with_the_domain_owner_claim():
    data = {"id_token": {"sub": "1", "email": "kari@nav.no", "xms_edov": True}}

    [address] = provider(email_verified_claim="xms_edov").extract_email_addresses(data)
    [unvouched] = provider(email_verified_claim="").extract_email_addresses(
        {"id_token": {"sub": "1", "email": "kari@nav.no", "email_verified": True}}
    )

    assert address.verified
    assert not unvouched.verified


def test_only_the_sub_and_ordinary_profile_claims_are_kept():
    data = {
        "id_token": {"sub": "abc", "pid": "01019912345", "acr": "idporten-loa-high", "nonce": "n"},
        "userinfo": {"sub": "abc", "pid": "01019912345", "locale": "nb"},
    }

    assert provider().extract_extra_data(data) == {"sub": "abc"}


@pytest.mark.parametrize(
    ("announced", "claims", "expected"),
    [
        ("https://idporten.no", {"tid": "x"}, "https://idporten.no"),
        (
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            {"tid": "9188040d-6c67-4c5b-b112-36a304b66dad"},
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
        ),
        (
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            {},
            "https://login.microsoftonline.com/{tenantid}/v2.0",
        ),
        (
            "https://login.microsoftonline.com/{tenantid}/v2.0",
            {"tid": "evil/../x"},
            "https://login.microsoftonline.com/{tenantid}/v2.0",
        ),
    ],
)
def test_the_issuer_of_a_multi_tenant_entra_id_token_is_its_tenants(announced, claims, expected):
    assert expected_issuer(announced, claims) == expected
