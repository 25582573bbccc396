from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Course evaluation")

    def ready(self):
        # Django's documented place to connect receivers and register composers.
        from attendance.signals import register_closed  # noqa: PLC0415
        from outbox import composers  # noqa: PLC0415

        from . import emails, receivers  # noqa: PLC0415

        register_closed.connect(receivers.ask_attendees, dispatch_uid="evaluation.ask_attendees")
        composers.register("evaluation/email/", emails.EvaluationComposer())
