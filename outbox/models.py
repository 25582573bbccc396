"""The outbox: one row per outgoing email, written in the same transaction as the change that
causes it, so a message is never lost (the change rolled back: no message; committed: the
message is there even if the broker is down)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    AWAITING_RETRY = "awaiting_retry", _("Awaiting retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingMessage(models.Model):
    # Operational rows: Wagtail's reference index would only slow every save down.
    wagtail_reference_index_ignore = True
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="nb")
    # Attachments as [{"filename", "content_type", "content" (text)}]; the calendar issue adds
    # text/calendar parts here.
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # An iTIP calendar (RFC 5546): sent as a text/calendar alternative part with this METHOD,
    # and again as an .ics attachment, both UTF-8.
    calendar = models.TextField(_("calendar"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True, db_index=True)
    registration = models.ForeignKey(
        "enrollment.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
