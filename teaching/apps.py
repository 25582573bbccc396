from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingConfig(AppConfig):
    name = "teaching"
    verbose_name = _("Teaching a run")

    def ready(self):
        # Django's documented place to register composers.
        from outbox import composers  # noqa: PLC0415

        from . import emails  # noqa: PLC0415

        composers.register("teaching/email/", emails.RunMessageComposer())
        composers.register_part("enrollment/email/reminder", emails.MaterialsPart())
