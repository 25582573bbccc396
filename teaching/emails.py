"""Composing messages to a run's participants at delivery (see ``outbox.composers``): the
stored message in the recipient's language, with the run's reply-to address; and the course
materials visible at sending time, added to reminders."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from outbox.composers import Composer, Part, Superseded, render_text

from .models import RunMessage
from .services.materials import visible_materials


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


class MaterialsPart(Part):
    """Adds the course materials visible at sending time to a reminder, as links (the files
    themselves are served only to the signed-in participant)."""

    def prefetch(self, messages):
        registrations = [m.registration for m in messages if getattr(m, "registration", None)]
        found = visible_materials(registrations)
        for message in messages:
            registration = getattr(message, "registration", None)
            message.materials = found.get(registration.pk, []) if registration else []

    def add(self, message, composition):
        materials = getattr(message, "materials", [])
        if not materials:
            return
        links = [(m.display_title, settings.SITE_BASE_URL + m.document.url) for m in materials]
        context = {"materials": links}
        text = render_text("teaching/email/_materials.txt", context)
        composition.text = f"{composition.text.rstrip()}\n\n{text}"
        if composition.html:
            html = render_to_string("teaching/email/_materials.html", context)
            head, found, tail = composition.html.rpartition("</main>")
            composition.html = f"{head}{html}{found}{tail}" if found else composition.html + html
