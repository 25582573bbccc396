"""Attendance per session, completion, and course certificates (kursbevis).

A certificate's PDF is generated once and stored; it never changes. A correction creates a new
version that supersedes the old one, and revoking records a reason; the public verification
page shows which of these a code is.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused absence")


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class AttendanceRecord(models.Model):
    wagtail_reference_index_ignore = True

    registration = models.ForeignKey(
        "enrollment.Registration", on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        "courses.CourseSession", on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=20, choices=AttendanceStatus.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    self_check_in = models.BooleanField(_("checked in by the participant"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="one_attendance_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="attendance_session_status"),
            # The reports' "attended": registrations with a session attended, read from this
            # index alone (no table rows) at 600,000 records.
            models.Index(
                fields=["registration"],
                condition=models.Q(status__in=ATTENDED),
                name="attendance_attended_reg",
            ),
        ]

    def __str__(self):
        return f"{self.registration_id}/{self.session_id}: {self.status}"


class CertificateTemplate(models.Model):
    """A provider's certificate design: logo, signatory and wording."""

    provider = models.OneToOneField(
        "cms.ResourceCentrePage",
        on_delete=models.CASCADE,
        # Originals only: an English version of a provider page is not another provider.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        related_name="certificate_template",
        verbose_name=_("course provider"),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("title of the signatory"), max_length=200, blank=True)
    wording_nb = models.TextField(
        _("wording (Norwegian)"),
        blank=True,
        help_text=_("Shown under the course name. Empty: a standard text."),
    )
    wording_en = models.TextField(_("wording (English)"), blank=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self):
        return str(self.provider)


class Certificate(models.Model):
    wagtail_reference_index_ignore = True

    # Empty for a certificate that covers more than one course (a training package).
    registration = models.ForeignKey(
        "enrollment.Registration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    version = models.PositiveSmallIntegerField(default=1)
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    # What the certificate says, frozen at issue.
    participant_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=300)
    provider_name = models.CharField(max_length=300)
    first_date = models.DateField()
    last_date = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=1)
    language = models.CharField(max_length=8, default="nb")
    pdf = models.FileField(upload_to="certificates/%Y/", max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    superseded_by = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "version"], name="one_certificate_per_version"
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.participant_name})"

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.superseded_by_id:
            return "superseded"
        return "valid"


class CertificateBatch(models.Model):
    """Progress of generating a run's certificates in the background."""

    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.run_id}: {self.done}/{self.total}"
