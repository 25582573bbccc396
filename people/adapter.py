from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.services import enqueue

from .emails import params_from_context


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Through the outbox, in the language the person is using now; rendered at delivery
        (``people.emails``), so an SMTP server that is down never fails a signup."""
        enqueue(
            to=email,
            template=template_prefix,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            params=params_from_context(context),
        )

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
