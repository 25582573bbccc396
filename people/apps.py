from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        # Django's documented place to connect receivers and register composers.
        from outbox import composers

        from . import emails, signals  # noqa: F401

        composers.register("account/email/", emails.AccountEmailComposer())
