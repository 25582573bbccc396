from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from .public import listing_cache  # noqa: PLC0415 - receivers connect when apps are ready

        listing_cache.connect()
