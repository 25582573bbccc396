"""Course evaluation (kursevaluering).

- ``Questionnaire``: a provider's questions (a snippet), in Norwegian and English. One
  questionnaire is NAPHA's national core set (``is_core``); every other questionnaire asks the
  core set first, then its own items.
- ``QuestionnaireVersion``: the frozen items (core set + own) as they were asked. A new version
  is made whenever the items asked would differ from the latest version, so answers always
  belong to the version that was asked.
- ``Evaluation``: one round of asking the attendees of one run (after the course, or the
  follow-up months later), open until ``closes_at``.
- ``Invitation``: who was asked and whether they have answered (stops reminders, refuses a
  second answer). It carries the single-use link's nonce.
- ``Response``: an answer. It carries no reference to the person (unless the questionnaire is
  in named mode): only the round, the version, the respondent's profession and the employer's
  county. No timestamps and a random primary key, so it cannot be joined to an invitation by
  time or order.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.fields import StreamField

from people.professions import Profession


class ItemKind(models.TextChoices):
    LIKERT = "likert", _("Scale 1-5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")
    RECOMMEND = "recommend", _("Would you recommend (0-10)")


SCALED = (ItemKind.LIKERT, ItemKind.RECOMMEND)


class _Item(blocks.StructBlock):
    text_nb = blocks.CharBlock(label=_("Question (Norwegian)"), max_length=300)
    text_en = blocks.CharBlock(label=_("Question (English)"), max_length=300, required=False)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=True)


class LikertBlock(_Item):
    low_nb = blocks.CharBlock(label=_("Label of 1 (Norwegian)"), default="Helt uenig")
    high_nb = blocks.CharBlock(label=_("Label of 5 (Norwegian)"), default="Helt enig")
    low_en = blocks.CharBlock(label=_("Label of 1 (English)"), default="Strongly disagree")
    high_en = blocks.CharBlock(label=_("Label of 5 (English)"), default="Strongly agree")

    class Meta:
        label = _("Scale 1-5")
        icon = "list-ol"


class _Option(blocks.StructBlock):
    nb = blocks.CharBlock(label=_("Option (Norwegian)"), max_length=200)
    en = blocks.CharBlock(label=_("Option (English)"), max_length=200, required=False)


class ChoiceBlock(_Item):
    options = blocks.ListBlock(_Option(), label=_("Options"), min_num=2)

    class Meta:
        icon = "list-ul"


class TextBlock(_Item):
    class Meta:
        label = _("Free text")
        icon = "pilcrow"


class RecommendBlock(_Item):
    class Meta:
        label = _("Would you recommend (0-10)")
        icon = "pick"


ITEM_BLOCKS = [
    (ItemKind.LIKERT.value, LikertBlock()),
    (ItemKind.SINGLE.value, ChoiceBlock(label=_("Single choice"))),
    (ItemKind.MULTIPLE.value, ChoiceBlock(label=_("Multiple choice"))),
    (ItemKind.TEXT.value, TextBlock()),
    (ItemKind.RECOMMEND.value, RecommendBlock()),
]


class Questionnaire(ClusterableModel):
    """A snippet. Which runs ask it: the runs listed here (an override), else the course
    modules listed here, else the provider's default questionnaire."""

    title = models.CharField(_("title"), max_length=200)
    provider = models.ForeignKey(
        "cms.ResourceCentrePage",
        on_delete=models.CASCADE,
        # Originals only (not the pages' English versions), as for ``courses``.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("course provider"),
        help_text=_("Empty only for NAPHA's national core set."),
    )
    is_core = models.BooleanField(
        _("national core set"),
        default=False,
        help_text=_("Kept by NAPHA: asked first in every provider's questionnaire."),
    )
    is_default = models.BooleanField(
        _("the provider's default"),
        default=False,
        help_text=_("Asked after every course of the provider that has no other questionnaire."),
    )
    named = models.BooleanField(
        _("named answers"),
        default=False,
        help_text=_(
            "Store the respondent's name with the answers. Off (the default): answers are "
            "anonymous. The form tells the respondent which."
        ),
    )
    intro_nb = models.TextField(_("introduction (Norwegian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    items = StreamField(ITEM_BLOCKS, blank=True, verbose_name=_("questions"))
    courses = ParentalManyToManyField(
        "courses.CoursePage",
        blank=True,
        # Originals only: runs, registrations and completions belong to them.
        limit_choices_to={"locale__language_code": settings.LANGUAGE_CODE},
        related_name="+",
        verbose_name=_("course modules"),
        help_text=_("Asked after the runs of these course modules."),
    )
    runs = ParentalManyToManyField(
        "courses.CourseRun",
        blank=True,
        related_name="+",
        verbose_name=_("course runs (override)"),
        help_text=_("Asked after these runs, whatever their course module has."),
    )
    reminder_days = models.PositiveSmallIntegerField(_("reminder after (days)"), default=5)
    open_days = models.PositiveSmallIntegerField(_("open for (days)"), default=21)
    follow_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up questionnaire"),
        help_text=_("Optional: sent to the same attendees some months after the course."),
    )
    follow_up_months = models.PositiveSmallIntegerField(_("follow-up after (months)"), default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation questionnaire")
        verbose_name_plural = _("evaluation questionnaires")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_core"], condition=models.Q(is_core=True), name="one_core_set"
            )
        ]

    def __str__(self):
        return self.title


class QuestionnaireVersion(models.Model):
    """The items exactly as asked, frozen: [{id, kind, core, text_nb, text_en, required,
    low_nb, ..., options: [{nb, en}]}]."""

    wagtail_reference_index_ignore = True

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    named = models.BooleanField(default=False)
    intro_nb = models.TextField(blank=True)
    intro_en = models.TextField(blank=True)
    items = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire version")
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="one_questionnaire_version_number"
            )
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"


class EvaluationKind(models.TextChoices):
    COURSE = "course", _("After the course")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Evaluation(models.Model):
    wagtail_reference_index_ignore = True

    run = models.ForeignKey("courses.CourseRun", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=EvaluationKind.choices)
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField()

    class Meta:
        verbose_name = _("evaluation")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="one_evaluation_per_run_kind")
        ]
        indexes = [models.Index(fields=["reminded_at", "remind_at"], name="evaluation_remind")]

    def __str__(self):
        return f"{self.run_id}/{self.kind}"

    def is_open(self, now):
        return self.opened_at <= now < self.closes_at


def new_nonce():
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """Who was asked, and whether they have answered. Nothing here points at the answer."""

    wagtail_reference_index_ignore = True

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Kept from the registration for the answer: profession and employer's county at the course.
    profession = models.CharField(max_length=32, blank=True)
    county = models.ForeignKey("geo.County", on_delete=models.SET_NULL, null=True, related_name="+")
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    answered = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evaluation invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"], name="one_evaluation_invitation_per_person"
            )
        ]

    def __str__(self):
        return f"{self.evaluation_id}/{self.user_id}"


class Response(models.Model):
    """One person's answers, without the person (see the module docstring)."""

    wagtail_reference_index_ignore = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(max_length=32, blank=True, choices=Profession.choices)
    county = models.ForeignKey("geo.County", on_delete=models.SET_NULL, null=True, related_name="+")
    # Only in named mode, which the form tells the respondent.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")

    def __str__(self):
        return str(self.pk)
