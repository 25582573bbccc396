"""The public listing of upcoming runs, shared by the catalogue page, the calendar feed and the
JSON API so that all three filter the same way and stay within a fixed number of queries."""

import calendar
from datetime import date

from django import forms
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.localisation import active_locale_id, default_locale_id, originals
from cms.models import ResourceCentrePage
from common.params import search_terms
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, attach_providers
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.availability import reservation_summaries, with_availability
from geo.models import County
from people.professions import Profession

from . import listing_cache


def upcoming_runs():
    """Published, upcoming runs with everything a listing shows, in start order.

    Query budget: this queryset, one query for sessions (prefetched) and one for the
    providers of the runs fetched (``with_providers``).
    """
    runs = (
        CourseRun.objects.published()
        .upcoming()
        .select_related("course", "municipality__county")
        .prefetch_related(
            Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
        )
        .order_by("first_date", "pk")
        .with_providers()
    )
    return with_availability(runs)


def listed_runs():
    """Published, upcoming runs, lean: only what filtering, ordering and counting need (no
    joins for display, no seat subqueries). Turn a page of them into runs to show with
    ``runs_for_listing``."""
    return CourseRun.objects.published().upcoming().order_by("first_date", "pk")


def runs_for_listing(rows, providers=(), availability=True, now=None):
    """The runs of ``rows`` ((id, first date) pairs, in listing order) with everything a
    listing shows: course, place, sessions, provider, and with ``availability`` the seats
    (``seats_left``, ``waitlist_length``) and open reservations (``open_reservations``).

    Query budget: one for the runs (seat counts as subqueries over these runs only, the
    course's English title on the English site as another), one for their sessions, one for
    reservations; providers come from ``providers`` (a query only for a provider not among
    them).
    """
    rows = list(rows)
    if not rows:
        return []
    runs = (
        CourseRun.objects.filter(pk__in=[pk for pk, _first in rows])
        .with_course_translation()
        .select_related("course", "municipality__county")
        .prefetch_related(
            Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
        )
    )
    if availability:
        now = now or timezone.now()
        runs = with_availability(runs, now).annotate(next_offer_ends=_next_offer_ends(now))
    by_id = {run.pk: run for run in runs}
    ordered = []
    for pk, first_date in rows:
        run = by_id.get(pk)
        if run is not None:
            run.first_date = first_date
            ordered.append(run)
    attach_providers(ordered, known=providers)
    if availability:
        reservation_summaries(ordered, now)
    return ordered


def runs_to_show(runs, providers=(), limit=None, now=None):
    """The runs of ``runs`` (``listed_runs()``, filtered; the first ``limit`` of them) with
    everything a listing shows, as ``runs_for_listing`` gives them, for a list that is not
    paged (nothing to count): the runs and their seats in one query.

    Query budget: one for the runs with their seats (and the course's English title on the
    English site), one for their sessions, one for reservations; providers come from
    ``providers`` (a query only for a provider not among them).
    """
    now = now or timezone.now()
    runs = (
        with_availability(
            runs.select_related("course", "municipality__county").prefetch_related(
                Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
            ),
            now,
        )
        .with_course_translation()
        .annotate(next_offer_ends=_next_offer_ends(now))
        .order_by("first_date", "pk")
    )
    runs = list(runs[:limit] if limit else runs)
    attach_providers(runs, known=providers)
    reservation_summaries(runs, now)
    return runs


def _next_offer_ends(now):
    offers = (
        Registration.objects.filter(
            run=OuterRef("pk"), status=RegistrationStatus.OFFERED, offer_expires_at__gt=now
        )
        .order_by("offer_expires_at")
        .values("offer_expires_at")[:1]
    )
    return Subquery(offers)


def seats_change_at(runs):
    """When the seats shown for these runs (from ``runs_for_listing``) next change without
    anyone saving anything: the first open offer running out or reservation being released.
    None if neither."""
    moments = [run.next_offer_ends for run in runs if getattr(run, "next_offer_ends", None)]
    moments += [r.release_at for run in runs for r, _open in getattr(run, "open_reservations", ())]
    return min(moments, default=None)


class _CountedRows:
    """What ``Paginator`` pages through: the lean rows of one page, fetched with the total,
    so neither counting nor slicing costs another query."""

    def __init__(self, total, offset, rows):
        self.total, self.offset, self.rows = total, offset, rows

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        assert isinstance(index, slice) and (index.start or 0) == self.offset, index
        return self.rows


def paginate(runs, number, per_page):
    """A page of a ``listed_runs`` queryset, as ``Paginator.get_page`` would give it (a page
    number that is not a number: the first page; past the end or below 1: the last), with
    ``page.object_list`` holding (id, first date) pairs. One query: the rows are numbered and
    counted by window functions and the page past the end is clamped to the last in SQL."""
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    # Past the end (or below 1): an offset beyond any table, which the SQL clamps to the last
    # page; capped so a huge number still fits the database's integers.
    offset = min((wanted - 1) * per_page, 10**12) if wanted >= 1 else 10**12
    numbered = runs.annotate(
        total=Window(Count("pk")),
        position=Window(RowNumber(), order_by=[F("first_date").asc(), F("pk").asc()]),
    ).values_list("pk", "first_date", "total", "position")
    try:
        sql, params = numbered.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing (a search without hits)
        return Paginator(_CountedRows(0, 0, []), per_page).get_page(1)
    last_start = "((numbered.total - 1) / %s) * %s"
    start = f"CASE WHEN %s < {last_start} THEN %s ELSE {last_start} END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT numbered.* FROM ({sql}) numbered "  # noqa: S608 - our own compiled SQL
            f"WHERE numbered.position > {start} AND numbered.position <= {start} + %s "
            "ORDER BY numbered.position",
            (*params, *(offset, per_page, per_page, offset, per_page, per_page) * 2, per_page),
        )
        rows = cursor.fetchall()
    total = rows[0][2] if rows else 0
    first_date = numbered.query.annotations["first_date"]
    converters = connection.ops.get_db_converters(first_date) + first_date.get_db_converters(
        connection
    )
    pairs = []
    for pk, day, _total, _position in rows:
        for converter in converters:
            day = converter(day, first_date, connection)
        pairs.append((pk, day))
    start_at = ((rows[0][3] - 1) // per_page) * per_page if rows else 0
    paginator = Paginator(_CountedRows(total, start_at, pairs), per_page)
    return paginator.get_page(start_at // per_page + 1 if rows else 1)


def current_counties():
    return list(County.objects.valid_on().order_by("name"))


def _month_choices():
    today = timezone.localdate()
    choices = [("", _("Any month"))]
    year, month = today.year, today.month
    for _i in range(12):
        choices.append((f"{year:04d}-{month:02d}", f"{month:02d}.{year}"))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return choices


def _search(text):
    """Ids of the live course modules matching every word (kept while no page changes); quotes
    and operators the search backends would read as syntax are dropped first. On the English
    site a module also matches by its English version's text; ids are always the originals'."""
    terms = search_terms(text)
    if not terms:
        return []
    default, active = default_locale_id(), active_locale_id()
    pages = CoursePage.objects.live().filter(locale_id__in={default, active})
    found = list(pages.search(terms, operator="and"))
    ids = {page.pk for page in found if page.locale_id == default}
    keys = {page.translation_key for page in found if page.locale_id != default}
    if keys:
        ids.update(
            originals(CoursePage.objects.filter(translation_key__in=keys)).values_list(
                "pk", flat=True
            )
        )
    return sorted(ids)


class CatalogueFilterForm(forms.Form):
    """Filters for the catalogue, the calendar feed and the API. Invalid values are reported
    back to the user and ignored rather than causing an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    profession = forms.ChoiceField(label=_("Profession"), required=False)
    provider = forms.ChoiceField(label=_("Course provider"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    month = forms.RegexField(
        label=_("Month"),
        required=False,
        regex=r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Choose a month as YYYY-MM.")},
    )

    def __init__(self, *args, providers=None, counties=None, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        self.fields["profession"].choices = any_ + list(Profession.choices)
        if providers is None:
            providers = originals(ResourceCentrePage.objects.live()).order_by("title")
        self.providers = list(providers)
        self.fields["provider"].choices = any_ + [(p.slug, p.display_name) for p in providers]
        if counties is None:
            counties = current_counties()
        self.fields["county"].choices = any_ + [(c.number, c.name) for c in counties]
        self.fields["format"].choices = any_ + list(CourseFormat.choices)
        self.fields["month"].widget = forms.Select(choices=_month_choices())

    def filter(self, runs):
        """Apply the valid filters to a CourseRun queryset."""
        if not self.is_bound:
            return runs
        # is_valid() fills cleaned_data with the valid fields even when another one is invalid;
        # invalid ones are shown to the user and skipped.
        self.is_valid()
        data = self.cleaned_data
        if data.get("profession"):
            runs = runs.filter(course__audience=data["profession"])
        if data.get("provider"):
            provider = next((p for p in self.providers if p.slug == data["provider"]), None)
            runs = runs.filter(course__path__startswith=provider.path) if provider else runs.none()
        if data.get("county"):
            runs = runs.filter(municipality__county__number=data["county"])
        if data.get("format"):
            runs = runs.filter(format=data["format"])
        if data.get("month"):
            year, month = (int(part) for part in data["month"].split("-"))
            last_day = calendar.monthrange(year, month)[1]
            runs = runs.filter(
                first_date__gte=date(year, month, 1), first_date__lte=date(year, month, last_day)
            )
        if data.get("q"):
            course_ids = listing_cache.cached(
                listing_cache.entry_key("search", data["q"]),
                lambda: (_search(data["q"]), None),
                version_key=listing_cache.PAGES_VERSION_KEY,
            )
            runs = runs.filter(course_id__in=course_ids)
        return runs


def filtered_runs(params, providers=None, lean=False, counties=None):
    """Return ``(form, runs)`` for request parameters; with ``lean``, the runs are a
    ``listed_runs`` queryset (for ``paginate`` and ``runs_for_listing``)."""
    form = CatalogueFilterForm(params or None, providers=providers, counties=counties)
    return form, form.filter(listed_runs() if lean else upcoming_runs())
