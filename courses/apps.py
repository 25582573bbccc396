from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        # Django's documented place to connect signal receivers.
        from . import signals  # noqa: PLC0415, F401
