"""Admin pages: readiness aggregated for resource centres and NAPHA, package certificates
(revoke, re-issue) and "new version" for package editors.

Who may see what is decided by ``readiness_scope`` (NAPHA everything, a resource centre its
region) and by model permissions; anyone else gets 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.errors import RuleError
from common.params import safe_int
from common.spreadsheets import spreadsheet_response
from organisations.models import Programme
from reports import charts

from .models import PackageCompletion, PackageVersion
from .services.certificates import reissue, revoke
from .services.editing import new_version
from .services.readiness import DIMENSIONS, aggregate, county_choices, readiness_scope, totals

CERTIFICATE_PERMISSION = "training.change_packagecompletion"


def readiness_report(request):
    scope = readiness_scope(request.user)
    if scope is None:
        raise PermissionDenied
    params = request.GET
    by = params.get("by") if params.get("by") in DIMENSIONS else "recipient"
    programme = params.get("programme") if params.get("programme") in Programme.values else ""
    counties = county_choices(scope)
    county = safe_int(params.get("county"))
    if county is not None and county not in {pk for pk, _name in counties}:
        messages.error(request, _("Choose a county from the list."))
        county = None
    rows = aggregate(scope, by=by, programme=programme, county=county)
    total = totals(rows)
    headers = [DIMENSIONS[by]]
    if by == "recipient":
        headers += [_("Programme"), _("Grant year")]
    headers += [
        _("Staff with required training"),
        _("Package completed"),
        _("Rest booked"),
        _("Lacking a step"),
        _("Completed (%)"),
    ]
    export = params.get("export")
    if export in ("csv", "xlsx"):
        table = []
        for row in [*rows, total]:
            shown = row.shown
            cells = [row.label]
            if by == "recipient":
                cells += [row.programme, row.grant_year]
            cells += [
                shown["people"],
                shown["complete"],
                shown["booked"],
                shown["lacking"],
                shown["percent"],
            ]
            table.append(cells)
        return spreadsheet_response("opplaering-beredskap", headers, table, export)
    query = params.copy()
    query.pop("export", None)
    safe = [r for r in rows if r.percent_is_safe]
    return TemplateResponse(
        request,
        "training/admin/readiness.html",
        {
            "page_title": _("Training package readiness"),
            "scope": scope,
            "rows": rows,
            "total": total,
            "headers": headers,
            "by": by,
            "by_label": DIMENSIONS[by],
            "dimensions": list(DIMENSIONS.items()),
            "programmes": Programme.choices,
            "programme": programme,
            "counties": counties,
            "county": county,
            "chart": charts.bars(
                [{"label": r.label, "percent": r.percent} for r in safe], "percent", max_value=100
            ),
            "hidden_in_chart": len(rows) - len(safe),
            "query_string": query.urlencode(),
        },
    )


def package_certificates(request):
    if not request.user.has_perm(CERTIFICATE_PERMISSION):
        raise PermissionDenied
    completions = PackageCompletion.objects.select_related(
        "user", "package", "version", "certificate"
    ).order_by("-completed_at", "pk")
    query = request.GET.get("q", "").strip()
    if query:
        completions = completions.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(certificate__code__icontains=query)
        )
    page = Paginator(completions, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "training/admin/certificates.html",
        {"page_title": _("Package certificates"), "page_obj": page, "query": query},
    )


def _completion(request, pk):
    if not request.user.has_perm(CERTIFICATE_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(PackageCompletion.objects.select_related("certificate"), pk=pk)


@require_POST
def certificate_revoke(request, pk):
    completion = _completion(request, pk)
    try:
        revoke(completion, reason=request.POST.get("reason", ""), actor=request.user)
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The package certificate was revoked."))
    return redirect("training_certificates")


@require_POST
def certificate_reissue(request, pk):
    completion = _completion(request, pk)
    reissue(completion)
    messages.success(request, _("A new version of the package certificate was issued."))
    return redirect("training_certificates")


def version_copy(request, pk):
    """GET asks, POST makes the copy (a link must not change anything)."""
    if not request.user.has_perm("training.add_packageversion"):
        raise PermissionDenied
    version = get_object_or_404(PackageVersion.objects.select_related("package"), pk=pk)
    if request.method != "POST":
        return TemplateResponse(
            request,
            "training/admin/version_copy.html",
            {"page_title": _("New version"), "version": version},
        )
    copy = new_version(version)
    messages.success(
        request,
        _("Version %(n)d was made as a copy. Change it, then save.") % {"n": copy.number},
    )
    return redirect(reverse("wagtailsnippets_training_packageversion:edit", args=[copy.pk]))
