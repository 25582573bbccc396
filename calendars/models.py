"""What each participant's calendar was last told, per session, so that updates and
cancellations reach the same calendar entry (same UID) with a higher SEQUENCE."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarEntry(models.Model):
    """One session in one participant's calendar. ``sequence`` only ever rises."""

    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(
        "enrollment.Registration", on_delete=models.CASCADE, related_name="calendar_entries"
    )
    session = models.ForeignKey(
        "courses.CourseSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_entries",
    )
    uid = models.CharField(max_length=200, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    cancelled = models.BooleanField(default=False)
    # What was last sent, to know whether an update is needed and to describe the change.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=500, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_calendar_entry_per_session"
            )
        ]

    def __str__(self):
        return f"{self.uid} #{self.sequence}"


class ReminderSent(models.Model):
    """A reminder sent for a registration; the unique constraint makes it exactly once."""

    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(
        "enrollment.Registration", on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "days_before"], name="one_reminder_per_registration_day"
            )
        ]

    def __str__(self):
        return f"{self.registration_id}: {self.days_before} days"
