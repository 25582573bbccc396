"""Reports in the Wagtail admin.

- National (NAPHA staff, permission ``organisations.view_national_reports``): aggregates only,
  small counts suppressed.
- Provider (resource-centre staff): the runs they organise (``organised_runs``).
Coordinators' coverage of their own staff is a front-end page (``coverage``).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.localisation import originals
from cms.models import ResourceCentrePage
from common.params import safe_int, safe_year
from common.spreadsheets import spreadsheet_response
from courses.models import CoursePage
from courses.permissions import organised_runs
from enrollment.models import Registration, RegistrationStatus
from geo.models import County
from organisations.access import NATIONAL_PERMISSION, coordinated_organisation
from organisations.models import Membership
from people.professions import Profession

from . import charts
from .models import ReportSettings
from .services import (
    DIMENSIONS,
    PERIODS,
    Filters,
    national_figures,
    provider_runs,
    series_from,
    share_is_safe,
    suppress,
    trend,
)

SHARE_HIDDEN = "–"


def _filters(params):
    return Filters(
        year_from=safe_year(params.get("year_from")),
        year_to=safe_year(params.get("year_to")),
        profession=params.get("profession")
        if params.get("profession") in Profession.values
        else "",
        provider=(
            originals(ResourceCentrePage.objects.filter(pk=safe_int(params.get("provider"))))
            .values_list("path", flat=True)
            .first()
            or ""
        )
        if safe_int(params.get("provider"))
        else "",
        county=safe_int(params.get("county")),
        course=safe_int(params.get("course")),
    )


def _choices():
    return {
        "professions": Profession.choices,
        "providers": originals(ResourceCentrePage.objects.order_by("title")).values_list(
            "pk", "title"
        ),
        "counties": County.objects.valid_on().order_by("name").values_list("pk", "name"),
        "courses": originals(CoursePage.objects.order_by("title")).values_list("pk", "title"),
        "dimensions": [(k, v[1]) for k, v in DIMENSIONS.items()],
        "periods": [("year", _("Year")), ("quarter", _("Quarter")), ("month", _("Month"))],
    }


def national(request):
    if not request.user.has_perm(NATIONAL_PERMISSION):
        raise PermissionDenied
    params = request.GET
    by = params.get("by") if params.get("by") in DIMENSIONS else "profession"
    period = params.get("period") if params.get("period") in PERIODS else "quarter"
    per = params.get("per") if params.get("per") in ("county", "course") else "county"
    filters = _filters(params)
    rows, breakdown = national_figures(filters, by=by, period=period, per=per)
    series = series_from(breakdown, period)
    target = ReportSettings.load(request_or_site=request).therapist_share_target
    shown = [
        dict(
            row,
            registered_shown=suppress(row["registered"]),
            attended_shown=suppress(row["attended"]),
            completed_shown=suppress(row["completed"]),
        )
        for row in rows
    ]
    breakdown_shown = [
        dict(
            row,
            therapists_shown=suppress(row["therapists"]),
            job_specialists_shown=suppress(row["job_specialists"]),
            # Not "<5" in a percentage column: the share is hidden ("–", explained under
            # the table) when it could reveal a count below 5.
            share_shown=row["share"] if share_is_safe(row) else SHARE_HIDDEN,
        )
        for row in breakdown
    ]
    export = params.get("export")
    if export in ("csv", "xlsx"):
        if params.get("table") == "share":
            return spreadsheet_response(
                "terapeutandel",
                [
                    _("Period"),
                    DIMENSIONS[per][1],
                    _("Therapists"),
                    _("Job specialists"),
                    _("Therapist share (%)"),
                ],
                [
                    [
                        r["period_label"],
                        r["group"],
                        r["therapists_shown"],
                        r["job_specialists_shown"],
                        r["share_shown"],
                    ]
                    for r in breakdown_shown
                ],
                export,
            )
        return spreadsheet_response(
            "deltakelse",
            [DIMENSIONS[by][1], _("Registered"), _("Attended"), _("Completed")],
            [
                [r["label"], r["registered_shown"], r["attended_shown"], r["completed_shown"]]
                for r in shown
            ],
            export,
        )
    query = params.copy()
    query.pop("export", None)
    query.pop("table", None)
    return TemplateResponse(
        request,
        "reports/national.html",
        {
            "page_title": _("Participation in IPS training"),
            "rows": shown,
            "by": by,
            "by_label": DIMENSIONS[by][1],
            "period": period,
            "per": per,
            "per_label": DIMENSIONS[per][1],
            "series": series,
            "breakdown": breakdown_shown,
            "trend": trend([r for r in series if share_is_safe(r)]),
            "target": target,
            "bar_chart": charts.bars([r for r in rows if r["registered"] >= 5], "registered"),
            "line_chart": charts.line(
                [
                    {"label": r["period_label"], "share": r["share"]}
                    for r in series
                    if share_is_safe(r)
                ],
                target=target,
            ),
            "params": params,
            "query_string": query.urlencode(),
            **_choices(),
        },
    )


def provider(request):
    """Fill rate, waitlists, no-shows and therapist share of the user's own runs."""
    if not request.user.has_perm("courses.change_courserun"):
        raise PermissionDenied
    all_runs = (
        organised_runs(request.user)
        .select_related("course")
        .order_by(F("starts_on").desc(nulls_last=True), "pk")
    )
    export = request.GET.get("export") in ("csv", "xlsx")
    page = Paginator(all_runs, 100).get_page(request.GET.get("page"))
    runs = provider_runs(all_runs if export else page.object_list)
    for run in runs:
        run.fill_rate = round(100 * run.confirmed / run.capacity) if run.capacity else None
        run.no_show_rate = (
            round(100 * run.no_shows / run.confirmed)
            if run.confirmed and run.has_register
            else None
        )
        pair = run.therapists + run.job_specialists
        run.therapist_share = round(100 * run.therapists / pair) if pair else None
    if export:
        return spreadsheet_response(
            "kursgjennomforinger",
            [
                _("Course run"),
                _("First day"),
                _("Capacity"),
                _("Confirmed"),
                _("Fill rate (%)"),
                _("Waitlist"),
                _("No-show rate (%)"),
                _("Therapist share (%)"),
            ],
            [
                [
                    r.display_title,
                    r.starts_on.strftime("%d.%m.%Y") if r.starts_on else "",
                    r.capacity,
                    r.confirmed,
                    r.fill_rate,
                    r.waitlisted,
                    r.no_show_rate,
                    r.therapist_share,
                ]
                for r in runs
            ],
            request.GET["export"],
        )
    return TemplateResponse(
        request,
        "reports/provider.html",
        {
            "page_title": _("My course runs"),
            "runs": runs,
            "page_obj": page,
            "fill_chart": charts.bars(
                [{"label": r.display_title, "fill": r.fill_rate or 0} for r in runs[:25]],
                "fill",
                max_value=100,
            ),
        },
    )


def coverage(request, pk):
    """A coordinator's view: which colleagues completed which modules, who lacks the basic
    course."""
    if not request.user.is_authenticated:
        raise Http404
    organisation = coordinated_organisation(request.user, pk)
    members = list(
        Membership.objects.current()
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    completed = {}
    for user_id, course_id, title, basic in Registration.objects.filter(
        user__in=[m.user_id for m in members],
        status=RegistrationStatus.CONFIRMED,
        completed_at__isnull=False,
    ).values_list(
        "user_id", "run__course_id", "run__course__title", "run__course__is_basic_course"
    ):
        completed.setdefault(user_id, []).append((course_id, title, basic))
    rows = []
    for m in members:
        done = completed.get(m.user_id, [])
        rows.append(
            {
                "member": m,
                "courses": sorted({t for _c, t, _b in done}),
                "has_basic": any(b for _c, _t, b in done),
            }
        )
    lacking = [r for r in rows if not r["has_basic"]]
    if request.GET.get("export") in ("csv", "xlsx"):
        return spreadsheet_response(
            f"dekning-{organisation.pk}",
            [_("Name"), _("Profession"), _("Basic course"), _("Completed modules")],
            [
                [
                    r["member"].user.get_full_name(),
                    r["member"].user.get_profession_display(),
                    _("Yes") if r["has_basic"] else _("No"),
                    ", ".join(r["courses"]),
                ]
                for r in rows
            ],
            request.GET["export"],
        )
    by_profession = {}
    for r in rows:
        key = r["member"].user.get_profession_display() or "–"
        entry = by_profession.setdefault(key, {"label": key, "members": 0, "basic": 0})
        entry["members"] += 1
        entry["basic"] += r["has_basic"]
    return render(
        request,
        "reports/coverage.html",
        {
            "organisation": organisation,
            "rows": rows,
            "lacking": lacking,
            "by_profession": sorted(by_profession.values(), key=lambda e: e["label"]),
        },
    )
