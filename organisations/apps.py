from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        # Django's documented place to register composers (models are loaded by then).
        from outbox import composers  # noqa: PLC0415

        from . import emails  # noqa: PLC0415

        composers.register("organisations/email/", emails.InvitationComposer())
