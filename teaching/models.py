"""What the people who teach a run give its participants: messages (stored, each with an
audit entry in Wagtail's log) and course materials (documents from the provider's private
collection, edited in the run's form)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.documents import get_document_model_string
from wagtail.models import Orderable

from cms.groups import private_collection


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


class Visibility(models.TextChoices):
    BEFORE = "before", _("From some days before the course")
    AFTER = "after", _("After the course")


class RunMaterial(Orderable):
    """A document from the provider's private collection given to a run's participants:
    from ``days_before`` days before the first session, or once the last session has ended."""

    run = ParentalKey("courses.CourseRun", on_delete=models.CASCADE, related_name="materials")
    document = models.ForeignKey(
        get_document_model_string(),
        on_delete=models.CASCADE,
        related_name="run_materials",
        verbose_name=_("document"),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Empty: the document's title.")
    )
    visibility = models.CharField(
        _("visible"), max_length=10, choices=Visibility.choices, default=Visibility.BEFORE
    )
    days_before = models.PositiveSmallIntegerField(
        _("days before the course"), default=7, help_text=_("Only for 'before the course'.")
    )

    panels = [
        FieldPanel("document"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("visibility"), FieldPanel("days_before")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or self.document.title

    def visible_from(self):
        """The moment participants get the material (None: the run has no sessions)."""
        sessions = self.run.ordered_sessions()
        if not sessions:
            return None
        if self.visibility == Visibility.AFTER:
            return sessions[-1].ends_at
        return sessions[0].starts_at.replace(hour=0, minute=0) - timedelta(days=self.days_before)

    def is_visible(self, now):
        start = self.visible_from()
        return start is not None and start <= now

    def clean(self):
        run = getattr(self, "run", None)
        if not self.document_id or run is None or not run.course_id:
            return
        provider = run.course.get_parent().specific
        allowed = private_collection(provider)
        collection = self.document.collection
        if not (collection.pk == allowed.pk or collection.is_descendant_of(allowed)):
            raise ValidationError(
                {
                    "document": _(
                        "Choose a document in the collection '%(collection)s', so that it is "
                        "never public."
                    )
                    % {"collection": allowed.name}
                }
            )
