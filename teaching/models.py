"""What the people who teach a run give its participants: messages (stored, each with an
audit entry in Wagtail's log)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed participants")
    WAITLISTED = "waitlisted", _("People on the waitlist")
    ATTENDEES = "attendees", _("Those who attended")
    CHOSEN = "chosen", _("People I choose")


class RunMessage(models.Model):
    """A message an organiser or instructor sent to (some of) a run's participants. Each
    recipient gets it through the outbox in their own language."""

    wagtail_reference_index_ignore = True
    run = models.ForeignKey(
        "courses.CourseRun",
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("course run"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    subject_nb = models.CharField(_("subject (Norwegian)"), max_length=200)
    body_nb = models.TextField(_("message (Norwegian)"))
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    reply_to = models.EmailField(_("replies go to"), blank=True)
    recipients = models.ManyToManyField(
        "enrollment.Registration", related_name="run_messages", verbose_name=_("recipients")
    )
    sent_at = models.DateTimeField(_("sent"), db_index=True)

    class Meta:
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject_nb

    def in_language(self, language):
        """(subject, body) in ``language``: English when written, else Norwegian."""
        if language == "en" and self.body_en.strip():
            return self.subject_en or self.subject_nb, self.body_en
        return self.subject_nb, self.body_nb
