"""Evaluation pages.

- The answer page (``/evaluering/<token>/``, public): the signed single-use link is the key; no
  login. GET shows the form (mail scanners follow links), POST answers.
- *Mine kurs* panel: "evaluate this course" while a round is open and unanswered.
- A run's results for its organisers (``courses.permissions.organised_run``; others 404).
- Reports in the Wagtail admin: the provider's (their organised runs, by course module, run and
  period) and NAPHA's national core set (``organisations.view_national_reports``).
"""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms.localisation import originals
from cms.models import ResourceCentrePage
from common.params import safe_int, safe_year
from common.spreadsheets import spreadsheet_response
from courses.models import CoursePage, CourseRun
from courses.permissions import organised_run, organised_runs
from organisations.access import NATIONAL_PERMISSION
from reports import charts

from .forms import AnswerForm
from .models import EvaluationKind
from .services.asking import LinkError, invitation_for_token, open_invitations, submit, token
from .services.results import EXPORT_HEADERS, export_rows, responses, summarise


def _language():
    return "en" if (get_language() or "nb").startswith("en") else "nb"


def answer(request, token):
    try:
        invitation = invitation_for_token(token)
    except LinkError as exc:
        return render(
            request, "evaluation/answer.html", {"error": exc.message}, status=exc.status_code
        )
    evaluation = invitation.evaluation
    version = evaluation.version
    if request.method == "POST":
        form = AnswerForm(version.items, request.POST)
        if form.is_valid():
            try:
                submit(invitation.pk, form.answers())
            except LinkError as exc:
                return render(
                    request,
                    "evaluation/answer.html",
                    {"error": exc.message},
                    status=exc.status_code,
                )
            return render(request, "evaluation/answer.html", {"thanks": True})
        status = 400
    else:
        form = AnswerForm(version.items)
        status = 200
    language = _language()
    return render(
        request,
        "evaluation/answer.html",
        {
            "form": form,
            "run": evaluation.run,
            "evaluation": evaluation,
            "named": version.named,
            "intro": getattr(version, f"intro_{language}") or version.intro_nb,
        },
        status=status,
    )


def my_courses_panel(request):
    """ "Evaluate this course" on *Mine kurs* for each open, unanswered round."""
    if not request.user.is_authenticated:
        return ""
    invitations = open_invitations(request.user)
    if not invitations:
        return ""
    for invitation in invitations:
        invitation.token = token(invitation)
    return render_to_string(
        "evaluation/my_courses_panel.html", {"invitations": invitations}, request=request
    )


def _charts(results):
    for item in results.items:
        if item.kind != "text":
            item.chart = charts.bars(item.chart_rows(), "count")
    return results


def _export(filename, results, export_format):
    return spreadsheet_response(filename, EXPORT_HEADERS, export_rows(results), export_format)


@login_required
def run_results(request, run_id):
    """A run's results for its organisers, once at least 5 people have answered."""
    run = organised_run(request.user, run_id, CourseRun.objects.select_related("course"))
    kind = _round(request.GET)
    results = summarise(responses([run.pk], kind), with_text=True)
    if request.GET.get("export") in ("csv", "xlsx"):
        return _export(f"evaluering-{run.pk}-{kind}", results, request.GET["export"])
    return render(
        request,
        "evaluation/run_results.html",
        {"run": run, "results": _charts(results), "round": kind, "rounds": EvaluationKind.choices},
    )


def _round(params):
    """The round asked for (``?round=follow_up``); the course round by default."""
    value = params.get("round")
    return value if value in EvaluationKind.values else EvaluationKind.COURSE


def _period_filter(runs, params):
    year_from, year_to = safe_year(params.get("year_from")), safe_year(params.get("year_to"))
    if year_from:
        runs = runs.filter(starts_on__gte=date(year_from, 1, 1))
    if year_to:
        runs = runs.filter(starts_on__lte=date(year_to, 12, 31))
    return runs


def provider_report(request):
    """The user's organised runs: all of them, or one course module, one run, a period."""
    if not request.user.has_perm("courses.change_courserun"):
        raise PermissionDenied
    params = request.GET
    runs = _period_filter(organised_runs(request.user), params)
    course = safe_int(params.get("course"))
    run = safe_int(params.get("run"))
    if course:
        runs = runs.filter(course_id=course)
    if run:
        runs = runs.filter(pk=run)
    kind = _round(params)
    results = summarise(responses(runs.values("pk"), kind))
    if params.get("export") in ("csv", "xlsx"):
        return _export(f"evaluering-{kind}", results, params["export"])
    query = params.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "evaluation/report.html",
        {
            "page_title": _("Course evaluations"),
            "results": _charts(results),
            "params": params,
            "query_string": query.urlencode(),
            "courses": CoursePage.objects.filter(
                pk__in=organised_runs(request.user).values("course_id")
            )
            .order_by("title")
            .values_list("pk", "title"),
            "show_courses": True,
            "rounds": EvaluationKind.choices,
        },
    )


def national_report(request):
    """NAPHA: the national core set, professions side by side, small counts hidden."""
    if not request.user.has_perm(NATIONAL_PERMISSION):
        raise PermissionDenied
    params = request.GET
    runs = _period_filter(CourseRun.objects.all(), params)
    provider = safe_int(params.get("provider"))
    if provider:
        path = (
            originals(ResourceCentrePage.objects.filter(pk=provider))
            .values_list("path", flat=True)
            .first()
        )
        runs = runs.filter(course__path__startswith=path or "-")
    kind = _round(params)
    results = summarise(responses(runs.values("pk"), kind), core_only=True)
    if params.get("export") in ("csv", "xlsx"):
        return _export(f"evaluering-nasjonal-{kind}", results, params["export"])
    query = params.copy()
    query.pop("export", None)
    return TemplateResponse(
        request,
        "evaluation/report.html",
        {
            "page_title": _("Course evaluations: national core set"),
            "results": _charts(results),
            "params": params,
            "query_string": query.urlencode(),
            "providers": originals(ResourceCentrePage.objects.order_by("title")).values_list(
                "pk", "title"
            ),
            "rounds": EvaluationKind.choices,
        },
    )
