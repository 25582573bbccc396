from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("Training packages")

    def ready(self):
        # Django's documented place to connect signal receivers: the app registry is ready.
        from . import signals  # noqa: F401
