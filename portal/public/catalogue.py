"""The public listing of upcoming runs, shared by the catalogue page, the calendar feed and the
JSON API so that all three filter the same way and stay within a fixed number of queries."""

import calendar
from datetime import date

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import ResourceCentrePage
from common.params import search_terms
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession
from enrollment.services.availability import with_availability
from geo.models import County
from people.professions import Profession


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

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        self.fields["profession"].choices = any_ + list(Profession.choices)
        if providers is None:
            providers = ResourceCentrePage.objects.live().order_by("title")
        self.fields["provider"].choices = any_ + [(p.slug, p.display_name) for p in providers]
        self.fields["county"].choices = any_ + [
            (c.number, c.name) for c in County.objects.valid_on().order_by("name")
        ]
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
            provider = ResourceCentrePage.objects.filter(slug=data["provider"]).first()
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
            terms = search_terms(data["q"])
            course_ids = (
                [page.pk for page in CoursePage.objects.live().search(terms, operator="and")]
                if terms
                else []
            )
            runs = runs.filter(course_id__in=course_ids)
        return runs


def filtered_runs(params, providers=None):
    """Return ``(form, runs)`` for request parameters."""
    form = CatalogueFilterForm(params or None, providers=providers)
    return form, form.filter(upcoming_runs())
