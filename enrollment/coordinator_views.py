"""Coordinators enrolling colleagues and following their organisation's registrations.

Every view first finds an organisation the user currently coordinates (else 404); forged
member ids, registration ids or plan ids of another organisation are 404 or refused.
"""

import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail import hooks

from common.params import safe_int, safe_ints
from common.spreadsheets import spreadsheet_response
from courses.models import CourseRun, RunStatus
from organisations.access import coordinated_organisation
from organisations.models import Membership
from organisations.services.memberships import coordinated_organisations
from people.professions import Profession

from .models import ACTIVE_STATUSES, Registration, RegistrationStatus
from .services.coordinator import (
    FIT,
    WAITLIST_ALL,
    TeamError,
    enrol_team,
    entries_for_members,
    entries_from_rows,
    preview,
)
from .services.errors import EnrollmentError
from .services.registration import can_cancel, cancel
from .services.spreadsheet import SpreadsheetError, parse_text, read_upload, template_rows

SESSION_KEY = "team_plans"


def _organisation(request):
    organisations = list(coordinated_organisations(request.user))
    if not organisations:
        raise Http404
    wanted = request.POST.get("org") or request.GET.get("org")
    if wanted:
        for organisation in organisations:
            if str(organisation.pk) == wanted:
                return organisation, organisations
        raise Http404
    return organisations[0], organisations


def _run(run_id):
    return get_object_or_404(
        CourseRun.objects.select_related("course").prefetch_related("sessions"),
        pk=run_id,
        status=RunStatus.PUBLISHED,
        course__live=True,
    )


def _save_plan(request, run, organisation, member_ids, rows):
    plans = request.session.get(SESSION_KEY, {})
    plan_id = uuid.uuid4().hex
    plans = dict(list(plans.items())[-4:])  # keep the session small
    plans[plan_id] = {"run": run.pk, "org": organisation.pk, "members": member_ids, "rows": rows}
    request.session[SESSION_KEY] = plans
    return redirect("team_preview", run_id=run.pk, plan_id=plan_id)


@login_required
def enrol_colleagues(request, run_id):
    run = _run(run_id)
    organisation, organisations = _organisation(request)
    members = (
        Membership.objects.current()
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    query = request.GET.get("q", "").strip()
    profession = request.GET.get("profession", "")
    if query:
        members = members.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__email__icontains=query)
        )
    if profession in Profession.values:
        members = members.filter(user__profession=profession)
    registered = set(
        Registration.objects.filter(run=run, status__in=ACTIVE_STATUSES).values_list(
            "user_id", flat=True
        )
    )
    if request.method == "POST":
        chosen = request.POST.getlist("members")
        valid_ids = set(
            Membership.objects.current()
            .filter(organisation=organisation, user_id__in=safe_ints(chosen))
            .values_list("user_id", flat=True)
        )
        newcomers = request.POST.get("newcomers", "").strip()
        rows = []
        if len(valid_ids) != len(chosen):
            messages.error(request, _("Choose colleagues from the list."))
        else:
            try:
                rows = parse_text(newcomers, has_header=False) if newcomers else []
            except SpreadsheetError as exc:
                messages.error(request, exc.message)
            else:
                if not valid_ids and not rows:
                    messages.error(request, _("Choose at least one colleague."))
                else:
                    return _save_plan(request, run, organisation, sorted(valid_ids), rows)
    return render(
        request,
        "enrollment/coordinator/enrol.html",
        {
            "run": run,
            "organisation": organisation,
            "organisations": organisations,
            "members": members,
            "registered": registered,
            "query": query,
            "profession": profession,
            "professions": Profession.choices,
        },
    )


@login_required
def upload_colleagues(request, run_id):
    run = _run(run_id)
    organisation, _organisations = _organisation(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                rows = read_upload(upload)
            except SpreadsheetError as exc:
                messages.error(request, exc.message)
            else:
                return _save_plan(request, run, organisation, [], rows)
    return render(
        request,
        "enrollment/coordinator/upload.html",
        {"run": run, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


def _entries(plan, run, organisation):
    users = get_user_model().objects.filter(
        pk__in=plan["members"],
        memberships__organisation=organisation,
        memberships__ended_at__isnull=True,
    )
    return entries_for_members(users) + entries_from_rows(plan["rows"], organisation, run)


@login_required
def team_preview(request, run_id, plan_id):
    run = _run(run_id)
    plan = request.session.get(SESSION_KEY, {}).get(plan_id)
    if plan is None or plan["run"] != run.pk:
        raise Http404
    organisation = coordinated_organisation(request.user, plan["org"])
    status = 200
    if request.method == "POST":
        mode = WAITLIST_ALL if request.POST.get("mode") == WAITLIST_ALL else FIT
        try:
            registrations = enrol_team(
                run, request.user, organisation, _entries(plan, run, organisation), mode=mode
            )
        except TeamError as exc:
            messages.error(request, exc.message)
            entries, status = exc.entries, 409
        except EnrollmentError as exc:
            messages.error(request, exc.message)
            entries, status = (
                preview(run, _entries(plan, run, organisation), organisation=organisation),
                exc.status_code,
            )
        else:
            plans = request.session.get(SESSION_KEY, {})
            plans.pop(plan_id, None)
            request.session[SESSION_KEY] = plans
            messages.success(
                request,
                _("%(n)d colleagues were enrolled. You will get a summary by email.")
                % {"n": len(registrations)},
            )
            return redirect(reverse("org_registrations", args=[organisation.pk]) + f"?run={run.pk}")
    else:
        entries = preview(run, _entries(plan, run, organisation), organisation=organisation)
    problems = [e for e in entries if not e.ok]
    fits = all(e.outcome in ("confirmed", "held") for e in entries if e.ok)
    return render(
        request,
        "enrollment/coordinator/preview.html",
        {
            "run": run,
            "organisation": organisation,
            "entries": entries,
            "problems": problems,
            "fits": fits,
            "counts": {
                outcome: sum(1 for e in entries if e.ok and e.outcome == outcome)
                for outcome in ("confirmed", "held", "waitlisted")
            },
            # Panels other apps add (e.g. profession balance), without this app knowing them.
            "panels": [
                panel(request, run=run, organisation=organisation, entries=entries)
                for panel in hooks.get_hooks("team_preview_panels")
            ],
        },
        status=status,
    )


@login_required
def colleagues_template(request, export_format):
    _organisation(request)  # coordinators only, like every page here
    if export_format not in ("csv", "xlsx"):
        raise Http404
    header, *rows = template_rows()
    return spreadsheet_response("kolleger-mal", header, rows, export_format)


def _registrations(organisation, params):
    registrations = (
        Registration.objects.filter(employer=organisation)
        .select_related("user", "run__course", "enrolled_by")
        .prefetch_related("run__sessions")
        .order_by("-created_at")
    )
    if params.get("status") in RegistrationStatus.values:
        registrations = registrations.filter(status=params["status"])
    if params.get("profession") in Profession.values:
        registrations = registrations.filter(profession=params["profession"])
    if safe_int(params.get("run")) is not None:
        registrations = registrations.filter(run_id=safe_int(params["run"]))
    return registrations


@login_required
def org_registrations(request, pk):
    organisation = coordinated_organisation(request.user, pk)
    registrations = _registrations(organisation, request.GET)
    export_format = request.GET.get("export")
    if export_format in ("csv", "xlsx"):
        headers = [
            _("Name"),
            _("Email"),
            _("Profession"),
            _("Course"),
            _("First day"),
            _("Status"),
            _("Enrolled by"),
            _("Completed"),
        ]
        rows = []
        for r in registrations:
            sessions = r.run.ordered_sessions()
            rows.append(
                [
                    r.user.get_full_name(),
                    r.user.email,
                    r.get_profession_display(),
                    r.run.display_title,
                    sessions[0].date.strftime("%d.%m.%Y") if sessions else "",
                    r.get_status_display(),
                    str(r.enrolled_by or ""),
                    r.completed_at.strftime("%d.%m.%Y") if r.completed_at else "",
                ]
            )
        return spreadsheet_response(f"pameldinger-{organisation.pk}", headers, rows, export_format)
    registrations = list(registrations[:500])
    for registration in registrations:
        registration.can_cancel = can_cancel(registration)
    runs = (
        CourseRun.objects.filter(registrations__employer=organisation)
        .select_related("course")
        .with_course_translation()
        .distinct()
    )
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "enrollment/coordinator/registrations.html",
        {
            "organisation": organisation,
            "registrations": registrations,
            "runs": runs,
            "statuses": RegistrationStatus.choices,
            "professions": Profession.choices,
            "params": request.GET,
            "query_string": query.urlencode(),
        },
    )


@require_POST
@login_required
def cancel_for_colleague(request, pk, registration_id):
    organisation = coordinated_organisation(request.user, pk)
    registration = get_object_or_404(Registration, pk=registration_id, employer=organisation)
    try:
        cancel(
            registration,
            actor=request.user,
            reason=_("Cancelled by the coordinator"),
            on_behalf=True,
        )
    except EnrollmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The registration was cancelled."))
    return redirect("org_registrations", pk=organisation.pk)
