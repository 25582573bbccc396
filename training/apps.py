from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training packages")

    def ready(self):
        # Django's documented place to connect receivers and register composers.
        from outbox import composers  # noqa: PLC0415

        from . import emails, signals  # noqa: PLC0415, F401

        composers.register("training/email/", emails.PackageCertificateComposer())
