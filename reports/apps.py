from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Django's documented place to register composers.
        from outbox import composers  # noqa: PLC0415

        from . import digests  # noqa: PLC0415

        composers.register("reports/email/", digests.DigestComposer())
