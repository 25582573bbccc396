"""Front-end pages: package progress in *My courses*, the package certificate download, and
the coordinators' readiness view with its gap pages and exports.

Thin: the rules live in ``training.services``. Every coordinator page first finds an
organisation the user currently coordinates (else 404), so other organisations' ids cannot be
probed; a participant reaches only their own certificate.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from weasyprint import HTML

from common.params import safe_int
from common.spreadsheets import spreadsheet_response
from organisations.access import coordinated_organisation
from organisations.models import Organisation, Programme
from people.access import participant_required
from people.professions import Profession
from reports.models import ReportSettings

from .models import PackageCompletion
from .services.balance import balance
from .services.certificates import person_progress
from .services.nearest import active_run_ids, upcoming_runs
from .services.progress import BOOKED, DONE, MISSING, WAITING
from .services.readiness import organisation_readiness
from .tasks import queue_package_certificates

SUGGESTED_RUNS = 5
STATE_LABELS = {
    DONE: gettext_lazy("Done"),
    BOOKED: gettext_lazy("Booked"),
    WAITING: gettext_lazy("On the waitlist"),
    MISSING: gettext_lazy("Missing"),
}


def _county_number(organisation):
    return organisation.county.number if organisation and organisation.county_id else None


# --- participants ------------------------------------------------------------------------------


def my_courses_panel(request):
    """Package progress for *My courses* (an ``enrollment`` page; see wagtail_hooks)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    results = person_progress(user)
    if not results:
        return ""
    membership = user.current_membership
    home = _county_number(membership.organisation if membership else None)
    completions = {
        c.package_id: c
        for c in PackageCompletion.objects.filter(
            user=user, package_id__in=[r.package.pk for r in results]
        ).select_related("certificate")
    }
    suggestions = {}
    for result in results:
        step = result.next_step
        if step is not None:
            suggestions[result.package.pk] = upcoming_runs(
                step.step.course_ids, user.profession, home
            )
    registered = active_run_ids([user.pk], [r.pk for runs in suggestions.values() for r in runs])
    mine = registered.get(user.pk, set())
    panels = []
    for result in results:
        completion = completions.get(result.package.pk)
        if result.complete and completion is None:
            queue_package_certificates(user.pk)  # lost task: try again (issuing is idempotent)
        runs = [r for r in suggestions.get(result.package.pk, []) if r.pk not in mine]
        panels.append(
            {
                "progress": result,
                "completion": completion,
                "runs": runs[:SUGGESTED_RUNS],
            }
        )
    return render_to_string("training/my_courses_panel.html", {"panels": panels}, request=request)


@participant_required
def package_certificate(request, pk):
    completion = get_object_or_404(
        PackageCompletion.objects.select_related("certificate"), pk=pk, user=request.user
    )
    certificate = completion.certificate
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"kursbevis-{certificate.code}.pdf",
    )


# --- coordinators ------------------------------------------------------------------------------


def _coordinated(request, pk):
    return coordinated_organisation(request.user, pk, Organisation.objects.select_related("county"))


def _programme(request):
    """The programme asked for, or None (the organisation's own); a wrong value is explained."""
    wanted = request.GET.get("programme", "")
    if wanted and wanted not in Programme.values:
        messages.error(request, _("Unknown programme. Showing your organisation's programme."))
        return None
    return wanted or None


def _cell_text(cell):
    if cell is None:
        return "–"
    text = str(STATE_LABELS[cell.state])
    if cell.state == DONE and cell.attempt:
        text += " " + cell.attempt.completed_on.strftime("%d.%m.%Y")
    elif cell.state in (BOOKED, WAITING) and cell.attempt:
        text += f": {cell.attempt.run_title}"
        if cell.attempt.starts_on:
            text += f" {cell.attempt.starts_on:%d.%m.%Y}"
    return text


def _export_rows(readiness):
    columns = readiness.columns
    headers = [_("Name"), _("Email"), _("Profession"), _("Package version")] + columns
    headers.append(_("Package completed"))
    rows = []
    for group in readiness.groups:
        for colleague in group.colleagues:
            result = colleague.progress
            rows.append(
                [
                    colleague.user.get_full_name(),
                    colleague.user.email,
                    group.label,
                    result.version.number if result else "",
                    *[_cell_text(colleague.cell(title)) for title in columns],
                    (_("Yes") if result.complete else _("No"))
                    if result and result.has_requirements
                    else "–",
                ]
            )
    return headers, rows


@login_required
def readiness(request, pk):
    organisation = _coordinated(request, pk)
    result = organisation_readiness(organisation, _programme(request))
    export = request.GET.get("export")
    filename = f"opplaering-{organisation.pk}-{result.programme}"
    if export in ("csv", "xlsx"):
        headers, rows = _export_rows(result)
        return spreadsheet_response(filename, headers, rows, export)
    context = {
        "organisation": organisation,
        "readiness": result,
        "programmes": Programme.choices,
        "state_labels": STATE_LABELS,
        "generated_at": timezone.localtime(),
    }
    if export == "pdf":
        html = render_to_string("training/readiness_pdf.html", context, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
            pdf_variant="pdf/ua-1"
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    if export:
        messages.error(request, _("Choose Excel, CSV or PDF for the export."))
    return render(request, "training/readiness.html", context, status=400 if export else 200)


@login_required
def gap_runs(request, pk):
    """From a gap: upcoming runs with seats free for the profession (reserved seats included),
    each with a button into team enrolment with the colleagues who lack the step."""
    organisation = _coordinated(request, pk)
    profession = request.GET.get("profession", "")
    step = request.GET.get("step", "")
    step = safe_int(step)
    if profession not in Profession.values or step is None:
        raise Http404
    result = organisation_readiness(organisation, _programme(request))
    gap = result.gap(profession, step)
    runs = []
    if gap is not None:
        runs = upcoming_runs(gap.course_ids, profession, _county_number(organisation))
        taken = active_run_ids([u.pk for u in gap.lacking], [r.pk for r in runs])
        for run in runs:
            run.colleagues = [u for u in gap.lacking if run.pk not in taken.get(u.pk, set())]
    return render(
        request,
        "training/gap_runs.html",
        {
            "organisation": organisation,
            "readiness": result,
            "gap": gap,
            "profession_label": Profession(profession).label,
            "runs": runs,
        },
    )


def organisation_links(request, organisation):
    """A link from the coordinator's organisation page (an ``organisations`` page)."""
    return render_to_string(
        "training/organisation_links.html", {"organisation": organisation}, request=request
    )


def team_preview_panel(request, run, organisation, entries):
    """Profession balance on the team enrolment preview (an ``enrollment`` page)."""
    target = ReportSettings.load(request_or_site=request).therapist_share_target
    result = balance(run, organisation, entries, target=target)
    if result is None:
        return ""
    # The form re-posts the team (plus the therapists ticked) to the team enrolment.
    team = [e for e in entries if e.ok]
    members = [e.user.pk for e in team if e.user is not None]
    newcomers = "\n".join(f"{e.name}; {e.email}; {e.profession}" for e in team if e.user is None)
    return render_to_string(
        "training/balance_panel.html",
        {
            "balance": result,
            "run": run,
            "organisation": organisation,
            "members": members,
            "newcomers": newcomers,
        },
        request=request,
    )
