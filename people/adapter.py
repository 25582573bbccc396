from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
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
