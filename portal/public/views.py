"""Public views: catalogue, calendar feeds and the read-only JSON API. Thin: filtering lives in
``portal.public.catalogue``, availability in ``enrollment.services.availability``."""

from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cms.models import ResourceCentrePage
from courses.ical import ics_response, runs_calendar
from courses.models import CoursePage
from enrollment.services.availability import reservation_summaries

from .catalogue import filtered_runs, upcoming_runs


def _page(request, items, per_page):
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def render_catalogue(request, page):
    providers = list(ResourceCentrePage.objects.live().order_by("title"))
    form, runs = filtered_runs(request.GET, providers=providers)
    page_obj = _page(request, runs, settings.CATALOGUE_PAGE_SIZE)
    page_obj.object_list = reservation_summaries(page_obj.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "courses/course_catalog_page.html",
        {
            "page": page,
            "self": page,
            "form": form,
            "page_obj": page_obj,
            "runs": page_obj.object_list,
            "query_string": query.urlencode(),
        },
    )


@require_safe
def courses_feed(request):
    """All upcoming published runs as iCalendar, filtered like the catalogue."""
    _form, runs = filtered_runs(request.GET)
    body = runs_calendar(runs, name=_("IPS courses"))
    return ics_response(body, "ips-kurs.ics")


@require_safe
def course_feed(request, course_id):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    runs = upcoming_runs().filter(course=course)
    return ics_response(runs_calendar(runs, name=course.title), f"{course.slug}.ics")


def _iso(dt):
    """ISO 8601 with the Europe/Oslo offset, like the session times."""
    return timezone.localtime(dt).isoformat() if dt else None


def run_as_json(run, request):
    provider = run.provider
    place = None
    if not run.is_digital:
        place = {
            "venue": run.venue_name,
            "address": run.venue_address,
            "municipality": run.municipality.name if run.municipality_id else None,
            "county": run.municipality.county.name if run.municipality_id else None,
        }
    return {
        "id": run.pk,
        "title": run.display_title,
        "course": {
            "id": run.course_id,
            "title": run.course.title,
            "url": request.build_absolute_uri(run.course.url),
        },
        "provider": {"name": provider.title, "slug": provider.slug} if provider else None,
        "format": run.format,
        "digital": run.is_digital,
        "place": place,
        "sessions": [
            {"start": _iso(s.starts_at), "end": _iso(s.ends_at)} for s in run.ordered_sessions()
        ],
        "capacity": run.capacity,
        "seats_left": run.seats_left,
        "waitlist_length": run.waitlist_length,
        "reserved_seats": [
            {"profession": r.profession, "seats_open": open_, "until": _iso(r.release_at)}
            for r, open_ in run.open_reservations
        ],
        "registration": {
            "opens": _iso(run.registration_opens_at),
            "closes": _iso(run.registration_deadline),
        },
        "status": run.status,
    }


@require_safe
def api_runs(request):
    """Upcoming published runs as JSON; see docs/api.md."""
    form, runs = filtered_runs(request.GET)
    page_obj = _page(request, runs, settings.API_PAGE_SIZE)
    runs = reservation_summaries(page_obj.object_list)

    def page_url(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    response = JsonResponse(
        {
            "count": page_obj.paginator.count,
            "next": page_url(page_obj.next_page_number()) if page_obj.has_next() else None,
            "previous": page_url(page_obj.previous_page_number())
            if page_obj.has_previous()
            else None,
            "errors": form.errors.get_json_data() if form.is_bound else {},
            "results": [run_as_json(run, request) for run in runs],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


# When the statement below was last reviewed (Digdir: the date must be on the statement).
STATEMENT_UPDATED = date(2026, 12, 4)


@require_safe
def accessibility_statement(request):
    """The accessibility statement, in the structure of Digdir's template (uustatus.no): what it
    covers, status and known non-conformities, how it was tested, feedback, and the right to
    complain to Tilsynet for universell utforming av IKT. The published statement itself lives
    on uustatus.no (``UUSTATUS_URL``)."""
    return TemplateResponse(
        request,
        "cms/accessibility_statement.html",
        {
            "uustatus_url": settings.UUSTATUS_URL,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "updated": STATEMENT_UPDATED,
            "site_url": settings.SITE_BASE_URL,
        },
    )
