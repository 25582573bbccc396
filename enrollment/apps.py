from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "enrollment"

    def ready(self):
        # Django's documented place to connect receivers and register composers: importing
        # these at module level would load models before the app registry is ready.
        from outbox import composers  # noqa: PLC0415

        from . import emails, receivers  # noqa: PLC0415, F401

        composers.register("enrollment/email/", emails.RegistrationComposer())
        composers.register("enrollment/email/team_summary", emails.TeamSummaryComposer())
