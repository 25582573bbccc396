from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        # Django's documented place to connect receivers and register composers.
        from outbox import composers  # noqa: PLC0415

        from . import emails, signals  # noqa: PLC0415, F401

        # allauth's own templates: account and (federated sign-in) socialaccount emails.
        composers.register("account/email/", emails.AccountEmailComposer())
        composers.register("socialaccount/email/", emails.AccountEmailComposer())
        # The retention warning: its params are its whole context.
        composers.register("people/email/", composers.Composer())
