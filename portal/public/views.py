"""Public views: catalogue, calendar feeds and the read-only JSON API. Thin: filtering lives in
``portal.public.catalogue``, availability in ``enrollment.services.availability``."""

import json
from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cms.localisation import originals
from cms.models import ResourceCentrePage
from common.http import conditional, content_etag
from courses.ical import ics_response, runs_calendar
from courses.models import CoursePage

from . import listing_cache
from .catalogue import (
    current_counties,
    filtered_runs,
    listed_runs,
    paginate,
    runs_for_listing,
    seats_change_at,
)

FEED_MAX_AGE = 900  # seconds a calendar client or proxy may keep a public feed
API_MAX_AGE = 60


def _params(request):
    return tuple(sorted(request.GET.lists()))


def filter_choices():
    """The providers and counties the catalogue's filters offer (for the listing cache)."""
    providers = originals(ResourceCentrePage.objects.live()).order_by("title")
    return (list(providers), current_counties()), None


def render_catalogue(request, page):
    """The catalogue page: the listing (filters, runs with seats, pages) comes from the
    listing cache, built in a fixed number of queries when it is stale."""

    def build():
        providers, counties = listing_cache.cached(
            listing_cache.entry_key("filter-choices"),
            filter_choices,
            version_key=listing_cache.PAGES_VERSION_KEY,
        )
        form, runs = filtered_runs(request.GET, providers, lean=True, counties=counties)
        page_obj = paginate(runs, request.GET.get("page"), settings.CATALOGUE_PAGE_SIZE)
        page_obj.object_list = runs_for_listing(page_obj.object_list, providers)
        query = request.GET.copy()
        query.pop("page", None)
        html = render_to_string(
            "portal/catalogue_listing.html",
            {
                "page": page,
                "form": form,
                "page_obj": page_obj,
                "runs": page_obj.object_list,
                "query_string": query.urlencode(),
            },
            request=request,
        )
        return html, seats_change_at(page_obj.object_list)

    key = listing_cache.entry_key("catalogue", page.pk, page.url_path, _params(request))
    return TemplateResponse(
        request,
        "courses/course_catalog_page.html",
        {"page": page, "self": page, "listing": listing_cache.cached(key, build)},
    )


def _feed(request, key, build_runs, name, filename):
    """A public iCalendar feed from the listing cache, with an ETag (304 when unchanged)."""

    def build():
        body = runs_calendar(build_runs(), name=name())
        return (body, content_etag(body)), None

    body, etag = listing_cache.cached(key, build)
    return conditional(
        request, ics_response(body, filename), etag=etag, public=True, max_age=FEED_MAX_AGE
    )


def _all_rows(runs):
    return runs_for_listing(runs.values_list("pk", "first_date"), availability=False)


@require_safe
def courses_feed(request):
    """All upcoming published runs as iCalendar, filtered like the catalogue."""
    return _feed(
        request,
        listing_cache.entry_key("courses-feed", _params(request)),
        lambda: _all_rows(filtered_runs(request.GET, lean=True)[1]),
        lambda: _("IPS courses"),
        "ips-kurs.ics",
    )


@require_safe
def course_feed(request, course_id):
    # Runs belong to the original course page; an English version has no feed of its own.
    course = get_object_or_404(originals(CoursePage.objects.live()), pk=course_id)
    return _feed(
        request,
        listing_cache.entry_key("course-feed", course.pk),
        lambda: _all_rows(listed_runs().filter(course=course)),
        lambda: course.title,
        f"{course.slug}.ics",
    )


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
    """Upcoming published runs as JSON; see docs/api.md. From the listing cache, with an
    ETag (304 when unchanged)."""

    def build():
        form, runs = filtered_runs(request.GET, lean=True)
        page_obj = paginate(runs, request.GET.get("page"), settings.API_PAGE_SIZE)
        runs = runs_for_listing(page_obj.object_list)

        def page_url(number):
            query = request.GET.copy()
            query["page"] = number
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        data = {
            "count": page_obj.paginator.count,
            "next": page_url(page_obj.next_page_number()) if page_obj.has_next() else None,
            "previous": page_url(page_obj.previous_page_number())
            if page_obj.has_previous()
            else None,
            "errors": form.errors.get_json_data() if form.is_bound else {},
            "results": [run_as_json(run, request) for run in runs],
        }
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        return (body, content_etag(body)), seats_change_at(runs)

    key = listing_cache.entry_key("api", request.build_absolute_uri(request.path), _params(request))
    body, etag = listing_cache.cached(key, build)
    response = HttpResponse(body, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return conditional(request, response, etag=etag, public=True, max_age=API_MAX_AGE)


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
