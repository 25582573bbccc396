import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from common.client_ip import client_ip
from outbox.services import enqueue

from .emails import params_from_context
from .services import federation

logger = logging.getLogger(__name__)


def signup_language():
    """The language the person is signing up in: it becomes their preferred language, which
    every email to them follows (``outbox.services.enqueue(language=...)``)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Federated sign-in (people.social, people.services.federation)."""

    def new_user(self, request, sociallogin):
        user = super().new_user(request, sociallogin)
        user.preferred_language = signup_language()
        return user

    def pre_social_login(self, request, sociallogin):
        """A first federated sign-in whose verified email belongs to an account asks the
        person to sign in to that account once to link it; it never signs them in."""
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        match = federation.account_for_verified_email(sociallogin)
        if match is not None:
            federation.hold_for_linking(request, sociallogin, *match)
            raise ImmediateHttpResponse(redirect("link_account"))

    def is_auto_signup_allowed(self, request, sociallogin):
        return federation.may_sign_up_automatically(sociallogin) and super().is_auto_signup_allowed(
            request, sociallogin
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Every failure names its cause in the person's language; nothing was stored."""
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )
        if extra_context is not None:
            extra_context["failure_message"] = federation.failure_message(
                provider, error, exception, extra_context
            )
        logger.warning(
            "Federated sign-in with %s failed: %s %r",
            getattr(provider, "sub_id", provider),
            error,
            exception,
        )


class AccountAdapter(DefaultAccountAdapter):
    def new_user(self, request):
        user = super().new_user(request)
        user.preferred_language = signup_language()
        return user

    def send_mail(self, template_prefix, email, context):
        """Through the outbox, in the language the person is using now; rendered at delivery
        (``people.emails``), so an SMTP server that is down never fails a signup."""
        enqueue(
            to=email,
            template=template_prefix,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            params=params_from_context(context),
        )

    def get_client_ip(self, request):
        """The site's one client-address rule (``common.client_ip``), for allauth's rate
        limits on login, failed logins, signup, password reset and codes."""
        return client_ip(request) or super().get_client_ip(request)

    def get_logout_redirect_url(self, request):
        """Signing out of a session that began at a provider ends it there too, if it can."""
        return federation.provider_logout_url(request) or super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        """After login, a person with an incomplete profile goes to the profile form first."""
        user = request.user
        if user.is_authenticated and not user.profile_complete:
            return reverse("profile_edit")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """The first login after signing up (and verifying the address) is a login too."""
        user = request.user
        if user.is_authenticated and not user.profile_complete:
            return reverse("profile_edit")
        return super().get_signup_redirect_url(request)
