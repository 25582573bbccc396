"""Queueing and delivering outbox messages.

Invariants:
- ``enqueue`` writes the row inside the caller's transaction and asks Celery to send it only
  after commit; if the broker is unreachable the row stays queued and the sweep sends it;
- ``deliver`` sends a message at most once per successful attempt: the row is locked
  (SELECT ... FOR UPDATE SKIP LOCKED) while sending, and a row already sent is skipped, so a
  task delivered twice sends one email;
- temporary SMTP failures are retried with exponential backoff, permanent ones marked failed.
"""

import base64
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import MessageStatus, OutgoingMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def render_message(template, context, language):
    """Render ``<template>_subject.txt``, ``.txt`` and ``.html`` in the given language."""
    with translation.override(language):
        context = {"site_url": settings.SITE_BASE_URL, "language": language, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return subject, text, html


def enqueue(
    *,
    to,
    template,
    context,
    language="nb",
    kind="",
    registration=None,
    attachments=None,
    calendar="",
    calendar_method="",
):
    """Write a message row now; send it once the surrounding transaction commits."""
    subject, text, html = render_message(template, context, language)
    message = OutgoingMessage.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        kind=kind or template.rsplit("/", 1)[-1],
        registration=registration,
        attachments=attachments or [],
        calendar=calendar,
        calendar_method=calendar_method,
    )
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _schedule(message_id, countdown=None):
    from .tasks import send_message

    try:
        send_message.apply_async((message_id,), countdown=countdown)
    except Exception:  # broker down: the row is safe, the sweep will send it
        logger.warning("Could not queue outbox message %s; the sweep will send it", message_id)


def _backoff(attempts):
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


def _permanent(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


class CalendarEmail(EmailMultiAlternatives):
    """Adds ``method=`` to text/calendar parts, which Outlook needs to treat the part as an
    invitation rather than a file."""

    calendar_method = ""

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar" and self.calendar_method:
            part.set_param("method", self.calendar_method)
        return part


def _email(message):
    email = CalendarEmail(
        message.subject, message.body_text, to=[message.to], headers=message.headers or None
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        email.calendar_method = message.calendar_method
        email.attach_alternative(message.calendar, "text/calendar")
        filename = "invite.ics" if message.calendar_method == "REQUEST" else "cancel.ics"
        email.attach(filename, message.calendar, "text/calendar")
    for attachment in message.attachments:
        if "content_b64" in attachment:
            content = base64.b64decode(attachment["content_b64"])
        else:
            content = attachment["content"].encode("utf-8")
        email.attach(attachment["filename"], content, attachment["content_type"])
    return email


def deliver(message_id):
    """Send one message if it is due. Returns the status it ends in, or None if skipped."""
    now = timezone.now()
    with transaction.atomic():
        rows = OutgoingMessage.objects.filter(pk=message_id).filter(
            Q(status=MessageStatus.QUEUED)
            | Q(status=MessageStatus.AWAITING_RETRY, next_attempt_at__lte=now)
        )
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        message = rows.first()
        if message is None:
            return None  # sent, failed, not yet due, or being sent by another worker
        message.attempts += 1
        try:
            _email(message).send()
        except (smtplib.SMTPException, OSError) as exc:
            message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if _permanent(exc) or message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
                message.next_attempt_at = None
            else:
                message.status = MessageStatus.AWAITING_RETRY
                message.next_attempt_at = now + _backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Outbox message %s failed: %s", message.pk, message.last_error)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            message.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at"])
    if message.status == MessageStatus.AWAITING_RETRY:
        delay = (message.next_attempt_at - timezone.now()).total_seconds()
        transaction.on_commit(lambda: _schedule(message.pk, countdown=max(delay, 1)))
    return message.status


def due_messages(now=None):
    """Messages the sweep should (re)send: queued ones nobody picked up (broker down at commit,
    or a worker died mid-send and rolled back) and retries that are due."""
    now = now or timezone.now()
    return OutgoingMessage.objects.filter(
        Q(status=MessageStatus.QUEUED, created_at__lte=now - timedelta(seconds=30))
        | Q(status=MessageStatus.AWAITING_RETRY, next_attempt_at__lte=now)
    ).values_list("pk", flat=True)


def resend(message):
    """Queue a failed or sent message again (from the admin)."""
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = None
    message.save(update_fields=["status", "next_attempt_at"])
    transaction.on_commit(lambda: _schedule(message.pk))
