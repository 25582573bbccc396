from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self):
        from django.urls import register_converter  # noqa: PLC0415

        from .converters import IdConverter  # noqa: PLC0415
        from .spreadsheets import neutralise_wagtail_exports  # noqa: PLC0415

        # Before any URL module is loaded: every app's URLs use <id:…> for database ids.
        register_converter(IdConverter, "id")
        # Every spreadsheet export of the Wagtail admin neutralises formulas.
        neutralise_wagtail_exports()
