"""Federated sign-in over OpenID Connect: Microsoft Entra ID, ID-porten, Feide or any other
provider an operator configures (``config/settings/federation.py``, docs/login.md).

allauth's generic OpenID Connect provider, made strict. The invariants this module keeps:

- **Every authorization request** uses the authorization code flow with PKCE (S256), a nonce
  bound to the request's single-use ``state``, and exactly the configured ``scope`` and
  ``acr_values``: nothing in the incoming request (``?auth_params=``, ``?scope=``) can change
  them.
- **An ID token is accepted only** when it is signed with a key from the provider's JWKS (an
  algorithm the provider announces; never ``none`` or a shared-secret one), names the
  provider's issuer (for a multi-tenant Entra ID app: the signing tenant's issuer) and this
  client as audience, has not expired, carries the nonce of this sign-in and, when levels of
  assurance are configured, one of the accepted ``acr`` values. The ``sub`` of the userinfo
  answer must equal the ID token's, and an ``iss`` in the authorization response must be the
  provider's (RFC 9207). Anything else is a ``FederationError`` and nothing is stored.
- **Client authentication** is what the operator chose: ``private_key_jwt`` (a short-lived
  assertion signed with the operator's key; what Digdir recommends for ID-porten, and which
  allauth lacks, so it is added here), ``client_secret_post``, ``client_secret_basic`` or
  ``none`` (a public client: PKCE only).
- **Only a few claims are stored** on the ``SocialAccount`` (``STORED_CLAIMS``): the ``sub``
  and, when the provider sends them, the email address, whether it is verified and the name.
  The national identity number (``pid``) and everything else is dropped before anything is
  saved or put in the session.
- **An email address counts as verified** only when the provider's verification claim
  (``email_verified`` unless configured otherwise) is exactly true.
"""

import secrets
import time

import jwt
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from requests import RequestException

# What a SocialAccount keeps from the provider's claims. Never `pid`.
STORED_CLAIMS = ("sub", "email", "email_verified", "name", "given_name", "family_name")
LANGUAGE_SESSION_KEY = "federation_language"
ASSERTION_LIFETIME = 60  # seconds; ID-porten accepts at most 120
CLOCK_LEEWAY = 60  # seconds of clock difference tolerated on ID token times
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Set on the data handed to the provider class, so allauth's own (lenient) callback view can
# never complete a sign-in with these providers: only ours validates the ID token.
VALIDATED = "validated_by_people_social"


class FederationError(OAuth2Error):
    """A sign-in the site refuses. ``reason`` picks the message the person sees (see
    ``people.services.federation.failure_message``); ``detail`` is for the log only."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def nonce_for(state_id: str) -> str:
    """The nonce of the authorization request whose ``state`` is ``state_id``. The state is
    random, kept in this session and used once, so the nonce is too; nothing more is stored."""
    return salted_hmac("people.social.nonce", state_id or "").hexdigest()


def callback_url(provider_id: str) -> str:
    """The redirect URI to register at the provider: one address, whatever the language."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("federated_callback", kwargs={"provider_id": provider_id})
    return settings.SITE_BASE_URL + path


def is_true(value) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def expected_issuer(announced: str, claims: dict) -> str:
    """The issuer an ID token must name. Entra ID's multi-tenant endpoints (``common``,
    ``organizations``) announce ``https://login.microsoftonline.com/{tenantid}/v2.0``: the
    token must then name the tenant that signed it, given in its ``tid`` claim."""
    if "{tenantid}" not in announced:
        return announced
    tenant = str(claims.get("tid", ""))
    if not tenant or "/" in tenant:
        return announced  # cannot match a real issuer
    return announced.replace("{tenantid}", tenant)


def merged_claims(data: dict) -> dict:
    """The ID token's claims with the userinfo answer's over them (their ``sub`` is equal)."""
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def _signing_key(pem: str):
    key = load_pem_private_key(pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return key, "RS256"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key, {256: "ES256", 384: "ES384", 521: "ES512"}[key.curve.key_size]
    raise FederationError("configuration", "the private key must be RSA or EC")


class FederatedOAuth2Client(OAuth2Client):
    """Adds the nonce to the authorization request and authenticates to the token endpoint
    with ``private_key_jwt`` when configured."""

    app: SocialApp
    assertion_audience: str = ""

    def get_redirect_url(self, authorization_url, scope, extra_params) -> str:
        params = {**extra_params, "nonce": nonce_for(self.state)}
        return super().get_redirect_url(authorization_url, scope, params)

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        if not pkce_code_verifier:
            # Every request we send carries a code challenge, so a missing verifier means a
            # callback that does not belong to one of them.
            raise FederationError("state", "no PKCE verifier for this callback")
        extra = dict(extra_data or {})
        if self.app.settings.get("token_auth_method") == "private_key_jwt":
            extra["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            extra["client_assertion"] = self.client_assertion()
        return super().get_access_token(
            code, pkce_code_verifier=pkce_code_verifier, extra_data=extra
        )

    def client_assertion(self) -> str:
        """A JWT signed with the operator's key (RFC 7523), valid for a minute and used once.
        Its audience is the provider's issuer identifier (what ID-porten expects, and what the
        OpenID Foundation recommends since 2025) unless the operator configured the token
        endpoint (Entra ID's certificate credentials)."""
        key, algorithm = _signing_key(self.app.settings["private_key"])
        now = int(time.time())
        claims = {
            "iss": self.consumer_key,
            "sub": self.consumer_key,
            "aud": self.assertion_audience,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": secrets.token_urlsafe(24),
        }
        headers = {"kid": self.app.settings["key_id"]} if self.app.settings.get("key_id") else {}
        return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


class FederatedOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """Talks to the provider: discovery, token exchange and a full check of the ID token."""

    client_class = FederatedOAuth2Client

    def get_callback_url(self, request, app):
        return callback_url(self.provider_id)

    def get_client(self, request, app):
        client = super().get_client(request, app)
        client.app = app
        audience = app.settings.get("assertion_audience", "issuer")
        client.assertion_audience = self.openid_config[audience]
        return client

    def complete_login(self, request, app, token, **kwargs):
        response = kwargs["response"]
        returned_issuer = request.GET.get("iss")
        if returned_issuer is not None and returned_issuer != self.openid_config["issuer"]:
            raise FederationError("issuer", f"authorization response from {returned_issuer}")
        raw_id_token = response.get("id_token")
        if not raw_id_token:
            raise FederationError("id_token", "the token response has no ID token")
        claims = self.validated_id_token(app, raw_id_token)
        state_id = request.GET.get("state", "")
        if not constant_time_compare(str(claims.get("nonce", "")), nonce_for(state_id)):
            raise FederationError("nonce", "the ID token's nonce is not this sign-in's")
        accepted = app.settings.get("accepted_acr") or []
        if accepted and claims.get("acr") not in accepted:
            raise FederationError("acr", f"acr {claims.get('acr')!r} not in {accepted}")
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True) and self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != claims["sub"]:
                raise FederationError("userinfo", "userinfo sub differs from the ID token's")
            data["userinfo"] = userinfo
        data[VALIDATED] = True
        login = self.get_provider().sociallogin_from_response(request, data)
        # Kept in the session for RP-initiated logout, unless it holds a national identity
        # number (ID-porten): then the logout request names the client instead.
        login.id_token_hint = "" if "pid" in merged_claims(data) else raw_id_token
        return login

    def validated_id_token(self, app, raw: str) -> dict:
        config = self.openid_config
        try:
            header = jwt.get_unverified_header(raw)
            allowed = [
                alg
                for alg in config.get("id_token_signing_alg_values_supported", ["RS256"])
                if alg != "none" and not alg.startswith("HS")
            ]
            if header.get("alg") not in allowed:
                raise FederationError("id_token", f"algorithm {header.get('alg')!r}")
            with get_adapter().get_requests_session() as session:
                answer = session.get(config["jwks_uri"])
                answer.raise_for_status()
                keys = jwt.PyJWKSet.from_dict(answer.json())
            candidates = [
                key
                for key in keys.keys
                if header.get("kid") is None or key.key_id == header.get("kid")
            ]
            if not candidates:
                raise FederationError("id_token", f"no key {header.get('kid')!r} in the JWKS")
            claims = jwt.decode(
                raw,
                candidates[0].key,
                algorithms=[header["alg"]],
                audience=app.client_id,
                leeway=CLOCK_LEEWAY,
                options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_iss": False},
            )
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise FederationError("id_token", str(error)) from error
        expected = expected_issuer(config["issuer"], claims)
        if claims["iss"] != expected:
            raise FederationError("issuer", f"ID token from {claims['iss']}, expected {expected}")
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != app.client_id:
            raise FederationError("id_token", "several audiences and azp is not this client")
        return claims


class FederatedProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider with the invariants in this module's docstring."""

    oauth2_adapter_class = FederatedOAuth2Adapter
    # allauth finds a provider's URLs in its package: keep allauth's login URL for these.
    package = "allauth.socialaccount.providers.openid_connect"

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()

    def get_scope_from_request(self, request):
        return self.get_scope()

    def get_auth_params_from_request(self, request, action):
        return self.get_auth_params()

    def get_auth_params(self):
        params = dict(self.app.settings.get("auth_params") or {})
        # ID-porten, Entra ID and Feide show their pages in the language asked for.
        params["ui_locales"] = translation.get_language() or settings.LANGUAGE_CODE
        return params

    def get_callback_url(self):
        return callback_url(self.app.provider_id)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """Sends the person to the provider; the callback continues in this language."""
        request.session[LANGUAGE_SESSION_KEY] = translation.get_language()
        try:
            return super().redirect(request, process, next_url, data, **kwargs)
        except (RequestException, KeyError, ValueError) as error:
            # Discovery failed: the provider is down or answers nonsense.
            return render_authentication_error(request, self, exception=error)

    def sociallogin_from_response(self, request, response):
        if not response.get(VALIDATED):
            raise FederationError("id_token", "not validated by people.social")
        return super().sociallogin_from_response(request, response)

    def extract_uid(self, data):
        return str(data["id_token"]["sub"])

    def extract_extra_data(self, data) -> dict:
        claims = merged_claims(data)
        return {name: claims[name] for name in STORED_CLAIMS if name in claims}

    def extract_common_fields(self, data) -> dict:
        claims = merged_claims(data)
        return {
            "email": claims.get("email"),
            "first_name": claims.get("given_name"),
            "last_name": claims.get("family_name"),
        }

    def extract_email_addresses(self, data) -> list:
        claims = merged_claims(data)
        email = claims.get("email")
        if not email or not isinstance(email, str):
            return []
        claim = self.app.settings.get("email_verified_claim", "email_verified")
        verified = bool(claim) and is_true(claims.get(claim))
        return [EmailAddress(email=email.strip().lower(), verified=verified, primary=True)]


def callback(request, provider_id: str):
    """allauth's callback view with our adapter: state, token exchange, ID token checks."""
    adapter = FederatedOAuth2Adapter(request, provider_id)
    view = OAuth2CallbackView.adapter_view(adapter)
    try:
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error
    except (RequestException, KeyError, ValueError) as error:
        # Discovery failed before allauth's own error handling starts: the provider is down.
        return render_authentication_error(request, adapter.get_provider(), exception=error)
