"""Rules for federated sign-in (the protocol itself is in ``people.social``).

Invariants:

- **No takeover through an email address.** A federated identity is attached to an existing
  account only when the person has signed in to that very account in the same browser
  session, within ``PENDING_LINK_SECONDS`` of the federated sign-in, and only when the identity
  is attached to no account yet. A *verified* email claim that matches an account only leads
  to that question (``hold_for_linking``); it never signs anyone in.
- **An unverified email claim creates nothing by itself.** A first federated sign-in goes
  straight to a new account only with a verified email address that no account has; otherwise
  the person confirms an address on the sign-up form, and an address the provider did not
  verify is verified by the usual email link before the account can be used.
- **Signing out ends the local session**; when the session was started at a provider that
  supports RP-initiated logout, the person is then sent there to end that session too.
"""

import logging
import time
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from requests import RequestException

from people.models import User
from people.social import LANGUAGE_SESSION_KEY, FederationError

logger = logging.getLogger(__name__)

PENDING_LINK_SESSION_KEY = "federation_pending_link"
PENDING_LINK_SECONDS = 15 * 60
SIGN_IN_SESSION_KEY = "federation_sign_in"


class LinkRefused(Exception):
    """Why a pending federated identity was not linked (the message is for the person)."""


@dataclass
class PendingLink:
    sociallogin: SocialLogin
    user_id: int
    email: str

    @property
    def provider_name(self) -> str:
        return self.sociallogin.provider.name


def verified_emails(sociallogin: SocialLogin) -> list[str]:
    return [address.email for address in sociallogin.email_addresses if address.verified]


def account_for_verified_email(sociallogin: SocialLogin) -> tuple[User, str] | None:
    """The existing account that has an address the provider says it verified, if any."""
    for email in verified_emails(sociallogin):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            address = EmailAddress.objects.filter(email__iexact=email).select_related("user")
            user = next((a.user for a in address), None)
        if user is not None:
            return user, email
    return None


def may_sign_up_automatically(sociallogin: SocialLogin) -> bool:
    """Only a verified address that no account has yet makes an account without a form."""
    return bool(verified_emails(sociallogin)) and account_for_verified_email(sociallogin) is None


def hold_for_linking(request, sociallogin: SocialLogin, user: User, email: str) -> None:
    """Keep the federated identity in this session (without its access token) until the
    person signs in to ``user``'s account to link it, or gives up."""
    sociallogin.token = None
    request.session[PENDING_LINK_SESSION_KEY] = {
        "sociallogin": sociallogin.serialize(),
        "user_id": user.pk,
        "email": email,
        "held_at": time.time(),
    }


def pending_link(request) -> PendingLink | None:
    held = request.session.get(PENDING_LINK_SESSION_KEY)
    if not isinstance(held, dict):
        return None
    if time.time() - held.get("held_at", 0) > PENDING_LINK_SECONDS:
        forget_pending_link(request)
        return None
    try:
        sociallogin = SocialLogin.deserialize(held["sociallogin"])
    except (KeyError, ValueError, LookupError):
        # The provider was removed from the configuration since, or the data is damaged.
        forget_pending_link(request)
        return None
    return PendingLink(sociallogin=sociallogin, user_id=held["user_id"], email=held["email"])


def forget_pending_link(request) -> None:
    request.session.pop(PENDING_LINK_SESSION_KEY, None)


@transaction.atomic
def link_pending(request, user: User) -> SocialAccount:
    """Attach the identity held by ``hold_for_linking`` to ``user``, the person signed in now.
    Refuses (``LinkRefused``) unless ``user`` is the account it was held for and the identity
    belongs to no account yet. The pending link is gone afterwards either way; the owner gets
    allauth's "a sign-in method was added" email."""
    pending = pending_link(request)
    forget_pending_link(request)
    if pending is None:
        raise LinkRefused(_("The sign-in to link has expired. Sign in with it again."))
    if pending.user_id != user.pk:
        raise LinkRefused(
            _("You are signed in with another account than %(email)s, so nothing was linked.")
            % {"email": pending.email}
        )
    account = pending.sociallogin.account
    if SocialAccount.objects.filter(provider=account.provider, uid=account.uid).exists():
        raise LinkRefused(
            _("This %(provider)s account is already linked to an account here.")
            % {"provider": pending.provider_name}
        )
    pending.sociallogin.connect(request, user)
    return pending.sociallogin.account


def remember_sign_in(request, user: User, sociallogin: SocialLogin | None) -> None:
    """After a login: remember which provider it came from, for signing out there too."""
    request.session.pop(SIGN_IN_SESSION_KEY, None)
    if sociallogin is None:
        return
    request.session[SIGN_IN_SESSION_KEY] = {
        "user_id": user.pk,
        "provider_id": sociallogin.account.provider,
        "id_token_hint": getattr(sociallogin, "id_token_hint", ""),
    }


def provider_logout_url(request) -> str | None:
    """Where to send a person who signs out: the provider's end_session_endpoint when this
    session began there and the provider supports it, else ``None`` (local sign-out only)."""
    signed_in = request.session.get(SIGN_IN_SESSION_KEY)
    if not isinstance(signed_in, dict) or signed_in.get("user_id") != request.user.pk:
        return None
    try:
        provider = get_social_adapter().get_provider(request, signed_in["provider_id"])
        if not provider.app.settings.get("logout", True):
            return None
        endpoint = provider.get_oauth2_adapter(request).openid_config.get("end_session_endpoint")
    except (RequestException, LookupError, ValueError, SocialApp.DoesNotExist) as error:
        logger.warning("No sign-out at the provider: %s", error)
        return None
    if not endpoint:
        return None
    params = {
        "post_logout_redirect_uri": settings.SITE_BASE_URL + "/",
        "ui_locales": translation.get_language(),
    }
    if signed_in.get("id_token_hint"):
        params["id_token_hint"] = signed_in["id_token_hint"]
    else:
        # RP-Initiated Logout 1.0 allows client_id instead of the hint (ID-porten's ID token
        # holds the national identity number, so it is not kept).
        params["client_id"] = provider.app.client_id
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def resume_language(request) -> None:
    """The callback comes back to one language-neutral address: continue in the language the
    sign-in started in."""
    language = request.session.get(LANGUAGE_SESSION_KEY)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


def failure_message(provider, error, exception, extra_context) -> str:
    """What the person reads when a federated sign-in fails. Nothing was created or linked."""
    name = getattr(provider, "name", "") or _("the sign-in service")
    reason = exception.reason if isinstance(exception, FederationError) else None
    if reason == "state" or (exception is None and "state_id" in (extra_context or {})):
        return _(
            "The sign-in could not be completed: it was started in another window, was "
            "already used, or took too long. Please start again."
        )
    if reason == "nonce":
        return _(
            "The answer from %(provider)s did not belong to this sign-in, so it was rejected. "
            "Please start again."
        ) % {"provider": name}
    if reason == "acr":
        return _(
            "%(provider)s signed you in at a lower level of security than this service "
            "requires. Please sign in again with a stronger method (for example BankID)."
        ) % {"provider": name}
    if reason in {"id_token", "issuer", "userinfo", "configuration"}:
        return _(
            "The answer from %(provider)s could not be verified, so you were not signed in. "
            "Please try again later or sign in with your email address."
        ) % {"provider": name}
    if isinstance(exception, RequestException):
        return _(
            "%(provider)s is not answering right now. Please try again later or sign in with "
            "your email address."
        ) % {"provider": name}
    if exception is not None:
        # The provider refused the code: it expired, was used already, or PKCE failed.
        return _(
            "%(provider)s did not accept the sign-in; it may have expired or already been "
            "used. Please start again."
        ) % {"provider": name}
    if error == AuthError.DENIED:
        return _("%(provider)s refused the sign-in.") % {"provider": name}
    return _("Signing in with %(provider)s failed. Please start again.") % {"provider": name}
