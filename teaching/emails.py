"""Composing messages to a run's participants at delivery (see ``outbox.composers``): the
stored message in the recipient's language, with the run's reply-to address."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from outbox.composers import Composer, Superseded

from .models import RunMessage


class RunMessageComposer(Composer):
    def prefetch(self, messages):
        ids = {m.params.get("message") for m in messages}
        found = {
            m.pk: m for m in RunMessage.objects.filter(pk__in=ids).select_related("run__course")
        }
        for message in messages:
            message.run_message = found.get(message.params.get("message"))

    def context(self, message):
        stored = getattr(message, "run_message", None)
        if stored is None:
            raise Superseded  # the run (and its messages) was deleted
        subject, body = stored.in_language(message.language)
        with translation.override(message.language):
            my_courses = settings.SITE_BASE_URL + reverse("my_courses")
        return {
            "run": stored.run,
            "subject": subject,
            "body": body,
            "my_courses_url": my_courses,
            "reply_to": stored.reply_to,
        }

    def render(self, message, context):
        composition = super().render(message, context)
        if context["reply_to"]:
            composition.reply_to = [context["reply_to"]]
        return composition
