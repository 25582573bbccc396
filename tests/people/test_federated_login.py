"""Federated sign-in (Entra ID, ID-porten and the like) against a real OpenID provider over HTTP.

The provider is tests/oidc_provider/server.js (panva's oidc-provider) run by Node. Two clients
are registered there, configured on the site exactly as an operator would, with OIDC_*
variables: "entra" (a client secret, email and name claims) and "idporten" (private_key_jwt,
acr_values, a `pid` claim and no email). The person's browser is the Django test client on the
site and ``ProviderBrowser`` at the provider.
"""

import re
import secrets
from datetime import timedelta
from html import unescape

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from config.settings.federation import openid_connect_apps
from people.models import User
from people.services.personal_data import delete_account, export_personal_data

from .conftest import PASSWORD, employ, links_in, make_account, path_of
from .oidc import (
    ProviderBrowser,
    client_key,
    free_port,
    local_path,
    node_or_skip,
    query_of,
    start_provider,
)

SITE = "http://127.0.0.1:8000"  # SITE_BASE_URL in the test settings
PID = "01019912345"  # the made-up national identity number server.js hands out
LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """One provider for the whole run, with an Entra-like and an ID-porten-like client."""
    node = node_or_skip()
    tmp = tmp_path_factory.mktemp("oidc")
    key_file, public_jwk = client_key(tmp)
    entra_secret = secrets.token_urlsafe(32)
    clients = [
        {
            "client_id": "ipskurs-entra",
            "client_secret": entra_secret,
            "token_endpoint_auth_method": "client_secret_post",
            "redirect_uris": [f"{SITE}/innlogging/entra/retur/"],
            "post_logout_redirect_uris": [f"{SITE}/"],
        },
        {
            "client_id": "ipskurs-idporten",
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [public_jwk]},
            "redirect_uris": [f"{SITE}/innlogging/idporten/retur/"],
            "post_logout_redirect_uris": [f"{SITE}/"],
        },
    ]
    provider = start_provider(node, clients, tmp)
    provider.secrets = {"entra": entra_secret, "key_file": str(key_file)}
    yield provider
    provider.stop()


def operator_env(provider, **overrides):
    """The environment an operator would set for these two providers."""
    env = {
        "OIDC_PROVIDERS": "entra,idporten",
        "OIDC_ENTRA_NAME": "Microsoft Entra ID",
        "OIDC_ENTRA_SERVER_URL": provider.issuer,
        "OIDC_ENTRA_CLIENT_ID": "ipskurs-entra",
        "OIDC_ENTRA_CLIENT_SECRET": provider.secrets["entra"],
        "OIDC_IDPORTEN_NAME": "ID-porten",
        "OIDC_IDPORTEN_SERVER_URL": provider.issuer,
        "OIDC_IDPORTEN_CLIENT_ID": "ipskurs-idporten",
        "OIDC_IDPORTEN_PRIVATE_KEY_FILE": provider.secrets["key_file"],
        "OIDC_IDPORTEN_KEY_ID": "ipskurs-test-client-key",
        "OIDC_IDPORTEN_SCOPE": "openid",
        "OIDC_IDPORTEN_ACR_VALUES": "idporten-loa-substantial",
        "OIDC_IDPORTEN_ACCEPTED_ACR": "idporten-loa-substantial idporten-loa-high",
    }
    env.update(overrides)
    return env


def configure(settings, env):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": openid_connect_apps(env),
        },
    }
    settings.SITE_BASE_URL = SITE


@pytest.fixture
def federated(settings, oidc_provider, db):
    """The site with both providers configured; the provider's clock back to normal after."""
    configure(settings, operator_env(oidc_provider))
    yield oidc_provider
    oidc_provider.set_clock(0)


def start(client, provider_id, language_prefix=""):
    """Press "Sign in with ..." on the login page; returns the authorization request URL."""
    response = client.post(f"{language_prefix}/accounts/oidc/{provider_id}/login/")
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def sign_in(client, provider, provider_id, person, acr=None):
    """The whole round trip; returns the site's response to the callback."""
    browser = ProviderBrowser(provider.issuer)
    callback = browser.sign_in(start(client, provider_id), person, acr=acr)
    assert callback.startswith(f"{SITE}/innlogging/{provider_id}/retur/"), callback
    return client.get(local_path(callback))


def logged_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def page_text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def nothing_stored():
    return not SocialAccount.objects.exists() and not User.objects.exists()


def all_session_data():
    return " ".join(str(session.get_decoded()) for session in Session.objects.all())


# The login page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_shows_no_provider_buttons_when_none_is_configured(client):
    page = page_text(client.get(LOGIN))

    assert "provider-list" not in page
    assert 'name="login"' in page  # email and password stay


def test_login_page_shows_a_button_per_configured_provider(client, federated):
    page = client.get(LOGIN).content.decode()

    buttons = re.findall(
        r'<form method="post" action="([^"]+)">.*?<button type="submit"[^>]*>([^<]+)</button>',
        page,
        re.S,
    )
    # Real buttons (posting to allauth's login URL), named after the provider, sorted by name.
    assert buttons == [
        ("/accounts/oidc/idporten/login/?process=login", "Logg inn med ID-porten"),
        ("/accounts/oidc/entra/login/?process=login", "Logg inn med Microsoft Entra ID"),
    ]
    assert 'name="password"' in page


# The whole flow -------------------------------------------------------------------------------


def test_authorization_request_uses_pkce_a_nonce_and_only_the_configured_parameters(
    client, federated
):
    # A crafted link cannot lower the level of assurance or widen the scope.
    response = client.post(
        "/accounts/oidc/idporten/login/?auth_params=acr_values%3Dlow&scope=offline_access"
    )

    request = query_of(response["Location"])
    assert response["Location"].startswith(f"{federated.issuer}/auth?")
    assert request["response_type"] == "code"
    assert request["client_id"] == "ipskurs-idporten"
    assert request["redirect_uri"] == f"{SITE}/innlogging/idporten/retur/"
    assert request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) == 43
    assert len(request["nonce"]) >= 32 and len(request["state"]) >= 16
    assert request["acr_values"] == "idporten-loa-substantial"
    assert request["scope"] == "openid"
    assert request["ui_locales"] == "nb"


def test_first_sign_in_with_a_verified_email_creates_the_account_and_asks_for_the_profile(
    client, federated
):
    response = sign_in(client, federated, "entra", "kari")

    assert response.status_code == 302
    assert response["Location"] == reverse("profile_edit")
    user = logged_in_user(client)
    assert user.email == "kari.nordmann@example.no"
    assert (user.first_name, user.last_name) == ("Kari", "Nordmann")
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("entra", "kari")
    assert account.extra_data == {
        "sub": "kari",
        "email": "kari.nordmann@example.no",
        "email_verified": True,
        "name": "Kari Nordmann",
        "given_name": "Kari",
        "family_name": "Nordmann",
    }
    # No profession or employer yet: the profile comes before registering for anything.
    assert user.profile_missing == ["profession", "employer"]
    assert client.get(reverse("profile_edit")).status_code == 200


def test_signing_in_again_uses_the_same_account(client, federated):
    sign_in(client, federated, "entra", "kari")
    first = logged_in_user(client)
    client.post(LOGOUT)

    again = Client()
    response = sign_in(again, federated, "entra", "kari")

    assert response.status_code == 302
    assert logged_in_user(again) == first
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


def test_id_porten_signs_in_with_private_key_jwt_and_stores_only_the_sub(
    client, federated, capture
):
    # ID-porten tells no email address: the person gives one, which is verified by email.
    response = sign_in(client, federated, "idporten", "ingrid")

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    assert nothing_stored()
    form = client.get(reverse("socialaccount_signup"))
    assert "ID-porten gir oss ikke e-postadressen din" in page_text(form)

    with capture():
        response = client.post(reverse("socialaccount_signup"), {"email": "ingrid@example.no"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ingrid@example.no")
    assert not user.emailaddress_set.get().verified
    assert logged_in_user(client) is None
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid, account.extra_data) == (
        "idporten",
        "ingrid",
        {"sub": "ingrid"},
    )
    # The national identity number is nowhere: not on the account, not in any session.
    assert PID not in str(account.extra_data)
    assert PID not in all_session_data()

    [message] = mail.outbox
    [link] = [url for url in links_in(message) if "/accounts/confirm-email/" in url]
    client.post(path_of(link))
    assert logged_in_user(client) == user
    assert PID not in all_session_data()


def test_a_lower_level_of_assurance_than_accepted_is_refused(client, settings, federated):
    configure(
        settings,
        operator_env(
            federated,
            OIDC_IDPORTEN_ACR_VALUES="idporten-loa-high",
            OIDC_IDPORTEN_ACCEPTED_ACR="idporten-loa-high",
        ),
    )

    response = sign_in(client, federated, "idporten", "ingrid", acr="idporten-loa-substantial")

    assert response.status_code == 401
    assert "lavere sikkerhetsnivå enn denne tjenesten krever" in page_text(response)
    assert nothing_stored()
    assert logged_in_user(client) is None


# Linking to an existing account ---------------------------------------------------------------


def test_verified_email_of_an_existing_account_asks_to_sign_in_once_then_links(
    client, federated, capture, oslo_nav
):
    kari = make_account("kari.nordmann@example.no", first_name="Kari", last_name="Nordmann")
    employ(kari, oslo_nav)

    response = sign_in(client, federated, "entra", "kari")

    # Not signed in, nothing linked: first prove it is your account.
    assert response.status_code == 302
    assert response["Location"] == reverse("link_account")
    assert logged_in_user(client) is None
    assert not SocialAccount.objects.exists()
    page = page_text(client.get(reverse("link_account")))
    assert "Det finnes allerede en konto for kari.nordmann@example.no" in page

    response = client.post(
        f"{LOGIN}?next={reverse('link_account')}",
        {"login": "kari.nordmann@example.no", "password": PASSWORD},
    )
    assert response["Location"] == reverse("link_account")
    assert not SocialAccount.objects.exists()
    assert "Koble Microsoft Entra ID" in page_text(client.get(reverse("link_account")))

    with capture():
        response = client.post(reverse("link_account"))

    assert response.status_code == 302
    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (kari, "entra", "kari")
    # The owner is told by email that a sign-in method was added.
    assert [m.to for m in mail.outbox] == [["kari.nordmann@example.no"]]

    # From now on the provider signs Kari straight into her account.
    client.post(LOGOUT)
    other_browser = Client()
    response = sign_in(other_browser, federated, "entra", "kari")
    assert logged_in_user(other_browser) == kari
    assert response["Location"] == "/"
    assert User.objects.count() == 1


def test_signing_in_to_another_account_does_not_link(client, federated):
    make_account("kari.nordmann@example.no")
    make_account("someone.else@example.no")
    sign_in(client, federated, "entra", "kari")
    client.post(LOGIN, {"login": "someone.else@example.no", "password": PASSWORD})

    page = page_text(client.get(reverse("link_account")))
    response = client.post(reverse("link_account"), follow=True)

    assert "men du er logget inn med en annen konto" in page
    assert "Du er logget inn med en annen konto enn kari.nordmann@example.no" in page_text(response)
    assert not SocialAccount.objects.exists()


def test_declining_to_link_forgets_the_federated_sign_in(client, federated):
    make_account("kari.nordmann@example.no")
    sign_in(client, federated, "entra", "kari")

    client.post(reverse("link_account"), {"cancel": "1"})
    client.post(LOGIN, {"login": "kari.nordmann@example.no", "password": PASSWORD})
    response = client.post(reverse("link_account"))

    assert response["Location"] == reverse("account_login")
    assert not SocialAccount.objects.exists()


def test_a_sign_in_waits_a_quarter_of_an_hour_to_be_linked(client, federated, clock):
    make_account("kari.nordmann@example.no")
    sign_in(client, federated, "entra", "kari")
    clock.advance(timedelta(minutes=16))
    client.post(LOGIN, {"login": "kari.nordmann@example.no", "password": PASSWORD})

    page = client.get(reverse("link_account"), follow=True)
    client.post(reverse("link_account"))

    assert "Ingen innlogging venter på å bli koblet" in page_text(page)
    assert not SocialAccount.objects.exists()


def test_an_unverified_email_never_links_and_never_becomes_verified(client, federated, capture):
    ola = make_account("ola.uverifisert@example.no", first_name="Ola", last_name="Eier")

    response = sign_in(client, federated, "entra", "ola")

    # Not the link question (that needs a verified claim) but the sign-up form, with a reason.
    assert response["Location"] == reverse("socialaccount_signup")
    page = page_text(client.get(reverse("socialaccount_signup")))
    assert "Microsoft Entra ID har ikke bekreftet at denne e-postadressen er din" in page
    assert not SocialAccount.objects.exists()
    assert logged_in_user(client) is None

    with capture():
        client.post(reverse("socialaccount_signup"), {"email": "ola.uverifisert@example.no"})

    # The address is taken: nothing is created or linked, and the owner is told by email.
    assert not SocialAccount.objects.exists()
    assert list(User.objects.all()) == [ola]
    assert logged_in_user(client) is None
    assert [m.to for m in mail.outbox] == [["ola.uverifisert@example.no"]]


def test_an_unverified_email_for_a_new_person_must_be_verified_by_email(client, federated, capture):
    sign_in(client, federated, "entra", "ola")
    assert nothing_stored()

    with capture():
        client.post(reverse("socialaccount_signup"), {"email": "ola.uverifisert@example.no"})

    user = User.objects.get()
    assert not user.emailaddress_set.get().verified
    assert logged_in_user(client) is None
    assert len(mail.outbox) == 1


def test_a_signed_in_person_can_link_a_provider_from_the_sign_in_services_page(
    client, federated, capture
):
    # Even with an email the provider did not verify: the person is signed in to the account.
    ola = make_account("ola@example.no")
    client.post(LOGIN, {"login": "ola@example.no", "password": PASSWORD})
    assert "Innloggingstjenester" in page_text(client.get(reverse("profile")))
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Koble til Microsoft Entra ID" in page

    response = client.post("/accounts/oidc/entra/login/?process=connect")
    callback = ProviderBrowser(federated.issuer).sign_in(response["Location"], "ola")
    with capture():
        client.get(local_path(callback))

    account = SocialAccount.objects.get()
    assert (account.user, account.provider, account.uid) == (ola, "entra", "ola")
    assert logged_in_user(client) == ola
    assert [m.to for m in mail.outbox] == [["ola@example.no"]]


# Failures: each gets a clear message, and nothing is linked or created -------------------------


def test_wrong_state_is_refused(client, federated):
    browser = ProviderBrowser(federated.issuer)
    callback = browser.sign_in(start(client, "entra"), "kari")
    code = query_of(callback)["code"]

    response = client.get(f"/innlogging/entra/retur/?code={code}&state=not-our-state")

    assert response.status_code == 401
    assert "ble startet i et annet vindu" in page_text(response)
    assert nothing_stored()
    assert logged_in_user(client) is None


def test_a_replayed_code_is_refused(client, federated):
    browser = ProviderBrowser(federated.issuer)
    callback = browser.sign_in(start(client, "entra"), "kari")
    client.get(local_path(callback))
    user = logged_in_user(client)
    client.post(LOGOUT)

    # The same callback again (its state is used up) ...
    replay = client.get(local_path(callback))
    # ... and the old code under the state of a new sign-in (the provider refuses the code).
    fresh_state = query_of(start(client, "entra"))["state"]
    code = query_of(callback)["code"]
    injected = client.get(f"/innlogging/entra/retur/?code={code}&state={fresh_state}")

    assert replay.status_code == injected.status_code == 401
    assert "ble startet i et annet vindu" in page_text(replay)
    assert "godtok ikke innloggingen" in page_text(injected)
    assert logged_in_user(client) is None
    assert list(User.objects.all()) == [user]
    assert SocialAccount.objects.count() == 1


def test_an_id_token_with_another_nonce_is_refused(client, federated):
    # Someone changes the nonce on the way to the provider: the ID token then carries that
    # nonce, not the one this sign-in asked for.
    authorization = start(client, "entra")
    tampered = re.sub(r"nonce=[^&]+", "nonce=" + "a" * 64, authorization)
    callback = ProviderBrowser(federated.issuer).sign_in(tampered, "kari")

    response = client.get(local_path(callback))

    assert response.status_code == 401
    assert "hørte ikke til denne innloggingen" in page_text(response)
    assert nothing_stored()
    assert logged_in_user(client) is None


def test_an_expired_code_is_refused(client, federated):
    callback = ProviderBrowser(federated.issuer).sign_in(start(client, "entra"), "kari")
    federated.set_clock(120)  # codes live 60 seconds at the provider

    response = client.get(local_path(callback))

    assert response.status_code == 401
    assert "godtok ikke innloggingen; den kan ha gått ut" in page_text(response)
    assert nothing_stored()


def test_a_provider_that_is_down_before_the_sign_in_gives_a_clear_message(client, settings, db):
    configure(
        settings,
        {
            "OIDC_PROVIDERS": "entra",
            "OIDC_ENTRA_NAME": "Microsoft Entra ID",
            "OIDC_ENTRA_SERVER_URL": f"http://127.0.0.1:{free_port()}",
            "OIDC_ENTRA_CLIENT_ID": "ipskurs-entra",
            "OIDC_ENTRA_CLIENT_SECRET": "unused",
        },
    )

    response = client.post("/accounts/oidc/entra/login/")

    assert response.status_code == 401
    assert "Microsoft Entra ID svarer ikke akkurat nå" in page_text(response)
    assert nothing_stored()


def test_a_provider_that_goes_down_during_the_sign_in_gives_a_clear_message(
    client, settings, db, tmp_path
):
    node = node_or_skip()
    client_secret = secrets.token_urlsafe(32)
    provider = start_provider(
        node,
        [
            {
                "client_id": "ipskurs-entra",
                "client_secret": client_secret,
                "redirect_uris": [f"{SITE}/innlogging/entra/retur/"],
            }
        ],
        tmp_path,
    )
    try:
        configure(
            settings,
            {
                "OIDC_PROVIDERS": "entra",
                "OIDC_ENTRA_NAME": "Microsoft Entra ID",
                "OIDC_ENTRA_SERVER_URL": provider.issuer,
                "OIDC_ENTRA_CLIENT_ID": "ipskurs-entra",
                "OIDC_ENTRA_CLIENT_SECRET": client_secret,
            },
        )
        callback = ProviderBrowser(provider.issuer).sign_in(start(client, "entra"), "kari")
    finally:
        provider.stop()

    response = client.get(local_path(callback))

    assert response.status_code == 401
    assert "Microsoft Entra ID svarer ikke akkurat nå" in page_text(response)
    assert nothing_stored()


def test_failures_are_told_in_the_language_the_sign_in_started_in(client, federated):
    authorization = start(client, "entra", language_prefix="/en")
    assert query_of(authorization)["ui_locales"] == "en"
    callback = ProviderBrowser(federated.issuer).sign_in(authorization, "kari")
    federated.set_clock(120)

    response = client.get(local_path(callback))

    assert response.status_code == 401
    assert "did not accept the sign-in; it may have expired" in page_text(response)
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?error=access_denied",
        "?error=server_error&state=x",
        "?code=x",
        "?code=x&state=" + "é" * 300,
        "?state[]=1&code[]=2",
    ],
)
def test_bad_callbacks_never_crash(client, federated, query):
    response = client.get(f"/innlogging/entra/retur/{query}")

    assert response.status_code in {302, 401}
    assert nothing_stored()


def test_an_unknown_provider_is_not_found(client, federated):
    assert client.get("/innlogging/nobody/retur/?code=x&state=y").status_code == 404
    assert client.post("/accounts/oidc/nobody/login/").status_code == 404


def test_allauths_own_callback_cannot_complete_a_sign_in(client, federated):
    callback = ProviderBrowser(federated.issuer).sign_in(start(client, "entra"), "kari")
    lenient = local_path(callback).replace(
        "/innlogging/entra/retur/", "/accounts/oidc/entra/login/callback/"
    )

    response = client.get(lenient)

    assert response.status_code == 401
    assert nothing_stored()


# Signing out ----------------------------------------------------------------------------------


def test_signing_out_ends_the_session_here_and_at_the_provider(client, federated):
    browser = ProviderBrowser(federated.issuer)
    client.get(local_path(browser.sign_in(start(client, "entra"), "kari")))
    assert logged_in_user(client) is not None

    response = client.post(LOGOUT)

    assert logged_in_user(client) is None
    end_session = response["Location"]
    assert end_session.startswith(f"{federated.issuer}/session/end?")
    params = query_of(end_session)
    assert params["post_logout_redirect_uri"] == f"{SITE}/"
    assert params["id_token_hint"].count(".") == 2
    assert browser.confirm_logout(end_session) == f"{SITE}/"
    # The provider forgot the person: the next sign-in asks who it is again.
    page = browser.follow(start(client, "entra"))
    assert not isinstance(page, str)
    assert "/interaction/" in page.url


def test_signing_out_of_id_porten_names_the_client_instead_of_keeping_the_id_token(
    client, federated
):
    browser = ProviderBrowser(federated.issuer)
    client.get(local_path(browser.sign_in(start(client, "idporten"), "ingrid")))
    client.post(reverse("socialaccount_signup"), {"email": "ingrid@example.no"})
    user = User.objects.get()
    EmailAddress.objects.filter(user=user).update(verified=True)
    client.get(local_path(browser.sign_in(start(client, "idporten"), "ingrid")))
    assert logged_in_user(client) == user
    assert PID not in all_session_data()

    response = client.post(LOGOUT)

    params = query_of(response["Location"])
    assert "id_token_hint" not in params
    assert params["client_id"] == "ipskurs-idporten"
    assert browser.confirm_logout(response["Location"]) == f"{SITE}/"
    assert logged_in_user(client) is None


def test_signing_out_while_the_provider_is_down_still_ends_the_session_here(
    client, settings, federated
):
    sign_in(client, federated, "entra", "kari")
    configure(
        settings, operator_env(federated, OIDC_ENTRA_SERVER_URL=f"http://127.0.0.1:{free_port()}")
    )

    response = client.post(LOGOUT)

    assert response["Location"] == "/"
    assert logged_in_user(client) is None


def test_signing_out_after_a_password_login_stays_on_the_site(client, federated):
    make_account("kari.nordmann@example.no")
    client.post(LOGIN, {"login": "kari.nordmann@example.no", "password": PASSWORD})

    response = client.post(LOGOUT)

    assert response["Location"] == "/"
    assert logged_in_user(client) is None


def test_an_operator_can_turn_off_signing_out_at_the_provider(client, settings, federated):
    configure(settings, operator_env(federated, OIDC_ENTRA_LOGOUT="false"))
    sign_in(client, federated, "entra", "kari")

    response = client.post(LOGOUT)

    assert response["Location"] == "/"
    assert logged_in_user(client) is None


# Personal data --------------------------------------------------------------------------------


def test_export_lists_linked_sign_ins_and_deletion_removes_them(client, federated):
    sign_in(client, federated, "entra", "kari")
    user = logged_in_user(client)

    exported = export_personal_data(user)["sign_in_providers"]
    delete_account(user)

    assert [(e["provider"], e["subject"]) for e in exported] == [("entra", "kari")]
    assert not SocialAccount.objects.exists()
    # A deleted person's provider identity no longer leads to the anonymised account.
    response = sign_in(Client(), federated, "entra", "kari")
    assert response["Location"] == reverse("profile_edit")
    assert User.objects.filter(email="kari.nordmann@example.no").count() == 1
