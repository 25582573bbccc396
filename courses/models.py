"""Course modules (pages, edited in the CMS) and course runs (operational data).

A ``CoursePage`` is editorial content with revisions. A ``CourseRun`` is a scheduled offering of
a course: sessions, place, capacity and registration window. Runs are not pages and are not part
of page revisions, because registrations, waitlists, attendance and certificates hang off them
and must never be rolled back with a page revision.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock
from cms.localisation import (
    LocalisedPageMixin,
    active_locale_id,
    content_language,
    default_locale_filter,
    default_locale_id,
    is_default_language,
    localized,
)
from cms.models import ResourceCentrePage
from cms.routing import RoutedPage
from people.professions import Profession

OSLO = ZoneInfo("Europe/Oslo")


def validate_reminder_days(value):
    try:
        days = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        days = None
    if days is None or any(d < 0 or d > 90 for d in days):
        raise ValidationError(_("Write whole days between 0 and 90, separated by commas."))


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    DIGITAL = "digital", _("Digital")
    HYBRID = "hybrid", _("Hybrid")


class CoursePage(LocalisedPageMixin, RoutedPage, Page):
    """A course module, e.g. the basic course in IPS, published by one provider."""

    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("Two or three sentences shown in lists.")
    )
    audience = ParentalManyToManyField(
        "people.ProfessionOption",
        blank=True,
        related_name="courses",
        verbose_name=_("audience professions"),
    )
    learning_outcomes = RichTextField(
        _("learning outcomes"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )
    prerequisites = ParentalManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="required_by",
        limit_choices_to=default_locale_filter,
        verbose_name=_("prerequisites"),
        help_text=_("Participants must have completed one of these courses first."),
    )
    duration_hours = models.DecimalField(
        _("duration (hours)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    format = models.CharField(
        _("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    is_basic_course = models.BooleanField(
        _("basic course"),
        default=False,
        help_text=_("Tick for the basic course in IPS: coordinators see who still lacks it."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("audience", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("format"), FieldPanel("duration_hours")]),
                FieldPanel("prerequisites"),
                FieldPanel("is_basic_course"),
            ],
            heading=_("Who and how"),
        ),
        FieldPanel("learning_outcomes"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contact"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("learning_outcomes"),
        index.SearchField("body"),
        index.AutocompleteField("title"),
    ]

    parent_page_types = ["cms.ResourceCentrePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("course module")
        verbose_name_plural = _("course modules")

    @property
    def provider(self):
        return self.get_parent().specific

    def get_context(self, request, *args, **kwargs):
        """An English version shows its own text; what the course is (audience, format,
        duration, prerequisites) and its runs are the original's (``course``)."""
        context = super().get_context(request, *args, **kwargs)
        course = self.original
        parent = self.get_parent()
        if not parent.live:  # an English version under a provider not yet translated
            parent = course.get_parent()
        if not is_default_language():
            parent = parent.specific  # the site's page class links within English
        context.update(
            parent=parent,
            course=course,
            prerequisites=localized(course.prerequisites.all()),
        )
        return context


class CourseCatalogPage(LocalisedPageMixin, RoutedPage, Page):
    """The public catalogue of upcoming runs. The page holds the editors' introduction; the
    listing with its filters is served by ``portal.public`` (a ``before_serve_page`` hook), which
    knows seat availability."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


def attach_providers(runs, known=()):
    """Set ``run.provider`` (the ResourceCentrePage above the run's course, or None) on each
    run with one query: providers are ancestors in the page tree. Providers already loaded
    can be passed as ``known``; then the query is only for others (none if all are known).
    Returns the runs."""
    runs = list(runs)
    depth_len = CoursePage.steplen * 3  # root, home page, provider
    providers = {p.path: p for p in known}
    prefixes = {run.course.path[:depth_len] for run in runs} - set(providers)
    if prefixes:
        providers.update((p.path, p) for p in ResourceCentrePage.objects.filter(path__in=prefixes))
    for run in runs:
        run.provider = providers.get(run.course.path[:depth_len])
    return runs


class CourseRunQuerySet(models.QuerySet):
    _with_providers = False

    def with_providers(self):
        """Runs fetched from this queryset come with ``run.provider`` set (one more query for
        the whole result, however many runs)."""
        clone = self._chain()
        clone._with_providers = True
        return clone.select_related("course")

    def _clone(self):
        clone = super()._clone()
        clone._with_providers = self._with_providers
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        results = self._result_cache
        if self._with_providers and not fetched and results and isinstance(results[0], CourseRun):
            attach_providers(results)

    def published(self):
        return self.filter(status=RunStatus.PUBLISHED, course__live=True)

    def with_course_translation(self):
        """Runs fetched come with ``translated_course_title``: the title of their course's live
        English version when English is active (None without one, and on the default
        language). A subquery in the same query: no query more, however many courses."""
        active = None if is_default_language() else active_locale_id()
        if active is None or active == default_locale_id():
            return self
        titles = CoursePage.objects.filter(
            translation_key=OuterRef("course__translation_key"), locale_id=active, live=True
        ).values("title")[:1]
        return self.annotate(translated_course_title=Subquery(titles))

    def with_dates(self):
        """Annotate ``first_date`` and ``last_date`` from the sessions (one SQL aggregate)."""
        return self.annotate(first_date=Min("sessions__date"), last_date=Max("sessions__date"))

    def upcoming(self, today=None):
        """Runs whose first session is today or later (in Europe/Oslo)."""
        today = today or timezone.localdate()
        return self.with_dates().filter(first_date__gte=today)


class CourseRun(ClusterableModel):
    """One scheduled offering of a course: sessions, place, capacity and registration window."""

    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="runs", verbose_name=_("course")
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Optional, e.g. 'Tromsø, spring'. The course title is used when empty."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    format = models.CharField(
        _("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "geo.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_runs",
        verbose_name=_("municipality"),
    )
    meeting_url = models.URLField(
        _("meeting link"),
        blank=True,
        help_text=_("Shown only to registered participants, never in public lists or feeds."),
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    waitlist_enabled = models.BooleanField(_("waitlist"), default=True)
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open at once.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: when the first session starts."),
    )
    cancellation_deadline = models.DateTimeField(
        _("cancellation deadline"),
        null=True,
        blank=True,
        help_text=_("Participants can cancel until then. Empty: when registration closes."),
    )
    employer_cap = models.PositiveIntegerField(
        _("seats per employer"),
        null=True,
        blank=True,
        help_text=_("Optional: at most this many seats for one employer organisation."),
    )
    offer_window_hours = models.PositiveIntegerField(
        _("offer window (hours)"),
        default=48,
        help_text=_("How long a waitlist offer holds a seat (shorter near the start)."),
    )
    offer_cutoff_hours = models.PositiveIntegerField(
        _("no offers within (hours before start)"),
        default=24,
    )
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=20,
        choices=[("percent", _("Share of the session time")), ("all", _("All sessions"))],
        default="percent",
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed (%)"),
        default=80,
        help_text=_("Share of the scheduled time attended (late counts, excused does not)."),
    )
    instructors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="taught_runs",
        verbose_name=_("instructors"),
        help_text=_(
            "People of any centre who teach this run. They keep the register and see the "
            "participant list of this run only, without access to the CMS."
        ),
    )
    instructors_may_close_register = models.BooleanField(
        _("instructors may close the register"), default=False
    )
    reply_to = models.EmailField(
        _("replies to messages go to"),
        blank=True,
        help_text=_("Empty: the centre's email address."),
    )
    show_instructors = models.BooleanField(
        _("show instructors' names on the public course page"), default=True
    )
    # Cache of the first session's date for reports and listings, kept by
    # courses.signals when sessions change (never edited by hand).
    starts_on = models.DateField(_("first day"), null=True, blank=True, editable=False)
    register_closed_at = models.DateTimeField(
        _("attendance register closed"), null=True, blank=True, editable=False
    )
    reminder_days = models.CharField(
        _("reminders (days before)"),
        max_length=50,
        default="7,1",
        blank=True,
        validators=[validate_reminder_days],
        help_text=_("Comma-separated days before the first session, e.g. '7,1'. Empty: none."),
    )
    # Set when sessions, place or status change; calendars are updated a minute after the
    # last change, so a burst of edits sends one update.
    calendar_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseRunQuerySet.as_manager()

    panels = [
        FieldPanel("course"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("format")]),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("municipality"),
                FieldPanel("meeting_url"),
            ],
            heading=_("Place"),
        ),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("waitlist_enabled")]),
        FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
        InlinePanel("sessions", heading=_("Sessions"), label=_("Session"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("cancellation_deadline"),
                FieldPanel("employer_cap"),
                FieldRowPanel([FieldPanel("offer_window_hours"), FieldPanel("offer_cutoff_hours")]),
                FieldPanel("reminder_days"),
                FieldRowPanel([FieldPanel("completion_rule"), FieldPanel("completion_percent")]),
            ],
            heading=_("Registration rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("instructors"),
                FieldRowPanel(
                    [FieldPanel("instructors_may_close_register"), FieldPanel("show_instructors")]
                ),
                FieldPanel("reply_to"),
            ],
            heading=_("Instructors"),
        ),
        InlinePanel(
            "materials",
            heading=_("Course materials"),
            label=_("Material"),
            help_text=_(
                "Documents from the centre's private collection 'Kursmateriell (bare "
                "deltakere)', for confirmed participants and instructors only."
            ),
        ),
        InlinePanel(
            "reserved_seats",
            heading=_("Reserved seats"),
            label=_("Reservation"),
            help_text=_("Seats kept for one profession until a release date."),
        ),
    ]

    class Meta:
        verbose_name = _("course run")
        verbose_name_plural = _("course runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="run_registration_window_order",
            )
        ]

    def __str__(self):
        return self.display_title

    @property
    def course_title(self):
        """The course's title in the active language when a listing fetched its English
        version (``with_course_translation``), else the course page's own."""
        return getattr(self, "translated_course_title", None) or self.course.title

    @property
    def display_title(self):
        return self.title or self.course_title

    @property
    def course_title_language(self):
        """The language ``course_title`` is written in (for ``lang``)."""
        if getattr(self, "translated_course_title", None):
            return translation.get_language()
        return content_language(self.course)

    @property
    def title_language(self):
        """The language ``display_title`` is written in: a run's own title is in its course
        page's language."""
        return content_language(self.course) if self.title else self.course_title_language

    @property
    def is_digital(self):
        return self.format == CourseFormat.DIGITAL

    @property
    def county(self):
        return self.municipality.county if self.municipality_id else None

    def ordered_sessions(self):
        """Sessions in time order; uses the prefetch cache when present."""
        return sorted(self.sessions.all(), key=lambda s: (s.date, s.start_time))

    @property
    def starts_at(self):
        sessions = self.ordered_sessions()
        return sessions[0].starts_at if sessions else None

    @property
    def registration_deadline(self):
        return self.registration_closes_at or self.starts_at

    @property
    def reminder_day_list(self):
        return sorted({int(p) for p in self.reminder_days.split(",") if p.strip()}, reverse=True)

    @property
    def effective_cancellation_deadline(self):
        return self.cancellation_deadline or self.registration_deadline

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        deadline = self.registration_deadline
        return (
            self.status == RunStatus.PUBLISHED
            and (self.registration_opens_at is None or self.registration_opens_at <= now)
            and (deadline is None or now < deadline)
        )

    def clean(self):
        errors = {}
        if self.course_id and self.course.locale_id != default_locale_id():
            errors["course"] = _(
                "Choose the Norwegian course module: runs belong to it, not to its English version."
            )
        if self.format in (CourseFormat.IN_PERSON, CourseFormat.HYBRID):
            if not self.venue_name:
                errors["venue_name"] = _("An in-person or hybrid run needs a venue.")
            if not self.municipality_id:
                errors["municipality"] = _("An in-person or hybrid run needs a municipality.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if errors:
            raise ValidationError(errors)


class CourseSession(Orderable):
    """One day (or part of a day) of a run, in Europe/Oslo local time."""

    run = ParentalKey(CourseRun, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"), default=time(9, 0))
    end_time = models.TimeField(_("ends"), default=time(15, 30))
    meeting_url = models.URLField(
        _("meeting link for this session"),
        blank=True,
        help_text=_(
            "Digital and hybrid runs. Shown only to confirmed participants, from a while before "
            "the session starts; never in public pages, feeds or the API."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("meeting_url"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="session_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def starts_at(self):
        return datetime.combine(self.date, self.start_time, tzinfo=OSLO)

    @property
    def ends_at(self):
        return datetime.combine(self.date, self.end_time, tzinfo=OSLO)

    @property
    def hours(self):
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def meeting_link_opens_at(self):
        """When confirmed participants see this session's meeting link
        (``MEETING_LINK_LEAD_MINUTES`` before the start)."""
        return self.starts_at - timedelta(minutes=settings.MEETING_LINK_LEAD_MINUTES)

    def released_meeting_url(self, now=None):
        """The session's meeting link once it is released (and until the session ends) for
        a digital or hybrid run, else "". Callers show it to confirmed participants only."""
        now = now or timezone.now()
        if not self.meeting_url or self.run.format == CourseFormat.IN_PERSON:
            return ""
        return self.meeting_url if self.meeting_link_opens_at <= now < self.ends_at else ""

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("A session must end after it starts.")})


class ReservedSeats(Orderable):
    """K seats of a run kept for one profession (e.g. therapists) until ``release_at``; after
    that, unused reserved seats are open to everyone and the waitlist moves."""

    run = ParentalKey(CourseRun, on_delete=models.CASCADE, related_name="reserved_seats")
    profession = models.CharField(
        _("profession"), max_length=32, choices=Profession.choices, default=Profession.THERAPIST
    )
    seats = models.PositiveIntegerField(_("seats"))
    release_at = models.DateTimeField(_("released to everyone at"))

    panels = [
        FieldRowPanel([FieldPanel("profession"), FieldPanel("seats"), FieldPanel("release_at")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("reserved seats")
        verbose_name_plural = _("reserved seats")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "profession"], name="one_reservation_per_profession"
            )
        ]

    def __str__(self):
        return f"{self.seats} × {self.get_profession_display()}"
