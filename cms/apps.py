from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"

    def ready(self):
        from . import localisation  # noqa: PLC0415 - receivers connect when apps are ready

        localisation.connect()
