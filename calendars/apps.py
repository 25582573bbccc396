from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Calendar invitations")

    def ready(self):
        # Django's documented place to connect receivers and register composers.
        from outbox import composers  # noqa: PLC0415

        from . import emails, receivers  # noqa: PLC0415, F401

        composers.register("calendars/email/", emails.SessionComposer())
        composers.register_part("enrollment/email/", emails.CalendarPart())
        composers.register_part("calendars/email/", emails.CalendarPart())
