"""Participation figures, aggregated in SQL.

Invariants:
- every figure is computed by the database (GROUP BY), in a fixed number of queries whatever
  the number of registrations;
- national figures are aggregates only; any count from 1 to 4 is shown as "<5" where a
  breakdown could identify people (``suppress``);
- "registered" counts confirmed registrations, "attended" those with at least one session
  attended (present or late), "completed" those marked completed.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr, TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _

from attendance.models import ATTENDED, AttendanceRecord
from cms.models import ResourceCentrePage
from courses.models import CoursePage
from enrollment.models import Registration, RegistrationStatus
from people.professions import Profession

SUPPRESS_BELOW = 5
PROVIDER_PATH_LENGTH = CoursePage.steplen * 3
PERIODS = {"year": TruncYear, "quarter": TruncQuarter, "month": TruncMonth}
DIMENSIONS = {
    "profession": ("profession", _("Profession")),
    "course": ("run__course_id", _("Course module")),
    "provider": ("provider_path", _("Course provider")),
    "employer": ("employer_id", _("Grant recipient")),
    "county": ("employer__county_id", _("County")),
    "period": ("period", _("Period")),
}


def suppress(value):
    return "<5" if 0 < value < SUPPRESS_BELOW else value


@dataclass
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    profession: str = ""
    provider: str = ""  # ResourceCentrePage path
    county: int | None = None
    course: int | None = None
    employer: int | None = None
    run_ids: object = None  # a queryset of run ids (a resource centre's own runs)


def registrations(filters, period="quarter"):
    qs = Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    if filters.year_from:
        qs = qs.filter(run__starts_on__year__gte=filters.year_from)
    if filters.year_to:
        qs = qs.filter(run__starts_on__year__lte=filters.year_to)
    if filters.profession:
        qs = qs.filter(profession=filters.profession)
    if filters.provider:
        qs = qs.filter(run__course__path__startswith=filters.provider)
    if filters.county:
        qs = qs.filter(employer__county_id=filters.county)
    if filters.course:
        qs = qs.filter(run__course_id=filters.course)
    if filters.employer:
        qs = qs.filter(employer_id=filters.employer)
    if filters.run_ids is not None:
        qs = qs.filter(run_id__in=filters.run_ids)
    return qs.annotate(
        period=PERIODS[period]("run__starts_on"),
        provider_path=Substr("run__course__path", 1, PROVIDER_PATH_LENGTH),
    )


def _attended():
    return Exists(AttendanceRecord.objects.filter(registration=OuterRef("pk"), status__in=ATTENDED))


def participation(filters, by="profession", period="quarter"):
    """Rows of {key, label, registered, attended, completed} grouped by one dimension."""
    field, _label = DIMENSIONS[by]
    rows = (
        registrations(filters, period)
        .annotate(has_attended=_attended())
        .order_by()
        .values(field)
        .annotate(
            registered=Count("pk"),
            attended=Count("pk", filter=Q(has_attended=True)),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
        )
        .order_by(field)
    )
    rows = [dict(row, key=row[field]) for row in rows]
    labels = _labels(by, [row["key"] for row in rows])
    for row in rows:
        row["label"] = labels.get(row["key"], str(row["key"] or "–"))
    return rows


def _labels(by, keys):
    from geo.models import County
    from organisations.models import Organisation

    if by == "profession":
        return {code: str(label) for code, label in Profession.choices}
    if by == "course":
        return dict(CoursePage.objects.filter(pk__in=keys).values_list("pk", "title"))
    if by == "provider":
        return dict(ResourceCentrePage.objects.filter(path__in=keys).values_list("path", "title"))
    if by == "employer":
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "county":
        return dict(County.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "period":
        return {k: _period_label(k) for k in keys if k}
    return {}


def _period_label(day, period=None):
    if day.month == 1 and day.day == 1 and period == "year":
        return str(day.year)
    return day.strftime("%m.%Y")


def therapist_share(filters, period="quarter", per=None):
    """Therapist share (therapists / (therapists + job specialists)) per period, and per
    county or course when ``per`` is given. Returns {"series": [...], "rows": [...]}."""
    qs = registrations(filters, period).filter(
        profession__in=[Profession.THERAPIST, Profession.JOB_SPECIALIST]
    )
    keys = ["period"] + ([DIMENSIONS[per][0]] if per else [])
    rows = list(
        qs.order_by()
        .values(*keys)
        .annotate(
            therapists=Count("pk", filter=Q(profession=Profession.THERAPIST)),
            job_specialists=Count("pk", filter=Q(profession=Profession.JOB_SPECIALIST)),
        )
        .order_by(*keys)
    )
    labels = _labels(per, [r[DIMENSIONS[per][0]] for r in rows]) if per else {}
    for row in rows:
        total = row["therapists"] + row["job_specialists"]
        row["share"] = round(100 * row["therapists"] / total, 1) if total else None
        row["period_label"] = _label_for_period(row["period"], period)
        if per:
            row["group"] = labels.get(row[DIMENSIONS[per][0]], "–")
    return rows


def _label_for_period(day, period):
    if day is None:
        return "–"
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return f"{day.year} K{(day.month - 1) // 3 + 1}"
    return day.strftime("%m.%Y")


def trend(series):
    """(latest share, previous share, change in points) from a per-period series."""
    points = [row for row in series if row["share"] is not None]
    if len(points) < 2:
        return None
    latest, previous = points[-1], points[-2]
    return {
        "latest": latest,
        "previous": previous,
        "change": round(latest["share"] - previous["share"], 1),
    }


def provider_runs(run_ids, period="quarter"):
    """Per run: capacity, confirmed, waitlist, no-shows and therapist share (one query)."""
    from courses.models import CourseRun

    absent = Exists(AttendanceRecord.objects.filter(registration__run=OuterRef("pk")))
    return (
        CourseRun.objects.filter(pk__in=run_ids)
        .select_related("course")
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waitlisted=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
            ),
            therapists=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__profession=Profession.THERAPIST,
                ),
            ),
            job_specialists=Count(
                "registrations",
                filter=Q(
                    registrations__status=RegistrationStatus.CONFIRMED,
                    registrations__profession=Profession.JOB_SPECIALIST,
                ),
            ),
            has_register=absent,
            no_shows=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
                & ~Q(registrations__attendance__status__in=ATTENDED)
                & Q(registrations__attendance__isnull=False),
                distinct=True,
            ),
        )
        .order_by(F("starts_on").desc(nulls_last=True))
    )
