"""The outbox: one row per outgoing email, written in the same transaction as the change that
causes it, so a message is never lost (the change rolled back: no message; committed: the
message is there even if the broker is down).

A row records the *intent*: which template, to whom, in which language, about what (the
registration and a few small ``params``) and the Message-ID it will carry. The worker renders
subject, bodies and any calendar part at delivery from the current state, and stores what it
sent on the row for the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    AWAITING_RETRY = "awaiting_retry", _("Awaiting retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded by a newer message")


class OutgoingMessage(models.Model):
    # Operational rows: Wagtail's reference index would only slow every save down.
    wagtail_reference_index_ignore = True
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="nb")
    kind = models.CharField(_("kind"), max_length=60, blank=True, db_index=True)
    # The template the worker renders ("enrollment/email/confirmed"); empty for a message
    # written by hand in the admin, which is sent with the subject and text below.
    template = models.CharField(_("template"), max_length=200, blank=True)
    # Small JSON facts the template needs beyond the references (never rendered text).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    registration = models.ForeignKey(
        "enrollment.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    # Fixed when the intent is written and reused on every attempt, so a copy that slips
    # through after a crash is the same message to every mail client.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    # What was sent (filled in by the worker at delivery).
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    calendar = models.TextField(_("calendar"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # While a worker sends a claimed message; a lease that ran out means the worker died.
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.subject or self.kind} → {self.to}"
