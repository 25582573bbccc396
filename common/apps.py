from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self):
        from django.urls import register_converter  # noqa: PLC0415

        from .converters import IdConverter  # noqa: PLC0415

        # Before any URL module is loaded: every app's URLs use <id:…> for database ids.
        register_converter(IdConverter, "id")
