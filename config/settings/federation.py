"""Federated sign-in providers (OpenID Connect) from the environment.

An operator adds Microsoft Entra ID, ID-porten, Feide or any other OpenID provider without a
code change: ``OIDC_PROVIDERS`` names them, and ``OIDC_<ID>_*`` variables describe each one
(see the configuration table in README.md and docs/login.md). The result is the list of apps
for ``SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]``; ``people.social`` reads the
``settings`` of each app.
"""

import re
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.core.exceptions import ImproperlyConfigured

PROVIDER_ID = re.compile(r"^[a-z][a-z0-9-]{0,29}$")
AUTH_METHODS = {"client_secret_post", "client_secret_basic", "private_key_jwt", "none"}
ASSERTION_AUDIENCES = {"issuer", "token_endpoint"}
DEFAULT_SCOPE = "openid profile email"
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _flag(value: str, default: bool, name: str) -> bool:
    value = value.strip().lower()
    if not value:
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def openid_connect_apps(environ: Mapping[str, str]) -> list[dict]:
    """One allauth app per provider named in ``OIDC_PROVIDERS`` (comma-separated; the login page
    lists the buttons by name). Stops the start-up with the variable's name when one is missing or
    wrong, so a half-configured provider never shows a button that cannot work."""
    ids = [item.strip() for item in environ.get("OIDC_PROVIDERS", "").split(",") if item.strip()]
    apps = []
    for provider_id in ids:
        if not PROVIDER_ID.match(provider_id) or provider_id in {a["provider_id"] for a in apps}:
            raise ImproperlyConfigured(
                f"OIDC_PROVIDERS: {provider_id!r} must be unique, start with a letter and use "
                "only a-z, 0-9 and '-' (at most 30 characters)."
            )
        apps.append(_app(provider_id, environ))
    return apps


def _app(provider_id: str, environ: Mapping[str, str]) -> dict:
    prefix = "OIDC_" + provider_id.upper().replace("-", "_") + "_"

    def get(name: str, default: str = "") -> str:
        return environ.get(prefix + name, default).strip()

    def required(name: str) -> str:
        value = get(name)
        if not value:
            raise ImproperlyConfigured(f"{prefix}{name} is required for {provider_id!r}.")
        return value

    server_url = required("SERVER_URL").rstrip("/")
    client_id = required("CLIENT_ID")
    secret = environ.get(prefix + "CLIENT_SECRET", "")
    private_key = ""
    key_file = get("PRIVATE_KEY_FILE")
    if key_file:
        try:
            private_key = Path(key_file).read_text()
        except OSError as error:
            raise ImproperlyConfigured(f"{prefix}PRIVATE_KEY_FILE: {error}") from error
        _check_private_key(private_key, prefix + "PRIVATE_KEY_FILE")
    auth_method = get("AUTH_METHOD") or (
        "private_key_jwt" if private_key else "client_secret_post" if secret else "none"
    )
    if auth_method not in AUTH_METHODS:
        raise ImproperlyConfigured(
            f"{prefix}AUTH_METHOD must be one of {', '.join(sorted(AUTH_METHODS))}."
        )
    if auth_method == "private_key_jwt" and not private_key:
        raise ImproperlyConfigured(f"{prefix}PRIVATE_KEY_FILE is required for private_key_jwt.")
    if auth_method.startswith("client_secret") and not secret:
        raise ImproperlyConfigured(f"{prefix}CLIENT_SECRET is required for {auth_method}.")
    assertion_audience = get("ASSERTION_AUDIENCE") or "issuer"
    if assertion_audience not in ASSERTION_AUDIENCES:
        raise ImproperlyConfigured(f"{prefix}ASSERTION_AUDIENCE must be issuer or token_endpoint.")
    acr_values = get("ACR_VALUES").split()
    auth_params = {"acr_values": " ".join(acr_values)} if acr_values else {}
    return {
        "provider_id": provider_id,
        "name": get("NAME") or provider_id,
        "client_id": client_id,
        # Only the client_secret methods send the secret.
        "secret": secret if auth_method.startswith("client_secret") else "",
        "settings": {
            "server_url": server_url,
            "scope": (get("SCOPE") or DEFAULT_SCOPE).split(),
            "auth_params": auth_params,
            "oauth_pkce_enabled": True,
            "token_auth_method": auth_method,
            "private_key": private_key,
            "key_id": get("KEY_ID"),
            "assertion_audience": assertion_audience,
            "accepted_acr": get("ACCEPTED_ACR").split() or acr_values,
            "email_verified_claim": get("EMAIL_VERIFIED_CLAIM", "email_verified"),
            "fetch_userinfo": _flag(get("FETCH_USERINFO"), True, prefix + "FETCH_USERINFO"),
            "logout": _flag(get("LOGOUT"), True, prefix + "LOGOUT"),
        },
    }


def _check_private_key(pem: str, name: str) -> None:
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"{name}: not an unencrypted PEM private key.") from error
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(f"{name}: the key must be RSA or EC.")
