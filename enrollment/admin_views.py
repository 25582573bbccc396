"""Organisers' participant list for a run, in the Wagtail admin.

Only the run's organisers (``courses.permissions.organised_run``) reach these views;
any other run id is a 404. Every action goes through ``enrollment.services``.
"""

import django_filters
from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from common.spreadsheets import SafeSpreadsheetExportMixin
from courses.models import CourseRun
from courses.permissions import organised_run
from people.professions import Profession

from .admin_forms import AddParticipantForm, CancelForm, CapacityForm, PriorityForm
from .models import Registration, RegistrationEvent, RegistrationStatus
from .services.availability import seat_state
from .services.errors import EnrollmentError
from .services.registration import cancel, change_capacity, mark_completed, register, set_priority
from .services.waitlist import position


def organiser_run(request, run_id):
    return organised_run(request.user, run_id, CourseRun.objects.select_related("course"))


class ParticipantFilterSet(WagtailFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=RegistrationStatus.choices, label=gettext_lazy("Status")
    )
    profession = django_filters.ChoiceFilter(
        choices=Profession.choices, label=gettext_lazy("Profession")
    )
    employer = django_filters.CharFilter(
        field_name="employer__name", lookup_expr="icontains", label=gettext_lazy("Employer")
    )

    class Meta:
        model = Registration
        fields = ["status", "profession", "employer"]


class ActionsColumn(Column):
    cell_template_name = "enrollment/admin/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = get_token(parent_context["request"])
        return context


class ParticipantsView(SafeSpreadsheetExportMixin, ReportView):
    template_name = "enrollment/admin/participants.html"
    results_template_name = "enrollment/admin/participants_results.html"
    filterset_class = ParticipantFilterSet
    header_icon = "group"
    paginate_by = 100
    list_export = [
        "user.get_full_name",
        "user.email",
        "get_profession_display",
        "employer.name",
        "get_status_display",
        "waitlist_position",
        "needs",
        "created_at",
        "completed_at",
    ]
    export_headings = {
        "user.get_full_name": gettext_lazy("Name"),
        "user.email": gettext_lazy("Email"),
        "get_profession_display": gettext_lazy("Profession"),
        "employer.name": gettext_lazy("Employer"),
        "get_status_display": gettext_lazy("Status"),
        "waitlist_position": gettext_lazy("Waitlist position"),
        "needs": gettext_lazy("Needs"),
        "created_at": gettext_lazy("Registered"),
        "completed_at": gettext_lazy("Completed"),
    }

    def dispatch(self, request, run_id, *args, **kwargs):
        self.run = organiser_run(request, run_id)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Participants: %(run)s") % {"run": self.run.display_title}

    def get_filename(self):
        return f"deltakere-{self.run.pk}"

    def get_base_queryset(self):
        return (
            Registration.objects.filter(run=self.run)
            .select_related("user", "employer", "enrolled_by")
            .order_by("status", "-priority", "waitlisted_at", "created_at")
        )

    def get_index_url(self):
        return reverse("run_participants", args=[self.run.pk])

    def get_index_results_url(self):
        return self.get_index_url()

    def decorate_paginated_queryset(self, object_list):
        rows = list(object_list)
        waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
        for registration in waiting:
            registration.waitlist_position = position(registration)
        for registration in rows:
            registration.waitlist_position = getattr(registration, "waitlist_position", None)
        return rows

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(
            self.decorate_paginated_queryset(queryset), spreadsheet_format
        )

    columns = [
        Column("user", label=gettext_lazy("Participant"), accessor="user"),
        Column("email", label=gettext_lazy("Email"), accessor="user.email"),
        Column("profession", label=gettext_lazy("Profession"), accessor="get_profession_display"),
        Column("employer", label=gettext_lazy("Employer"), accessor="employer"),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("position", label=gettext_lazy("Waitlist"), accessor="waitlist_position"),
        Column("needs", label=gettext_lazy("Needs"), accessor="needs"),
        DateColumn("created_at", label=gettext_lazy("Registered")),
        ActionsColumn("actions", label=gettext_lazy("Actions")),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = seat_state(self.run, timezone.now())
        context.update(
            {
                "run": self.run,
                "seats_taken": state.taken,
                "add_form": AddParticipantForm(),
                "capacity_form": CapacityForm(initial={"capacity": self.run.capacity}),
                "log_url": reverse("run_registration_log", args=[self.run.pk]),
            }
        )
        return context


def _run_action(request, run, action):
    try:
        action()
    except EnrollmentError as exc:
        messages.error(request, exc.message)
        return False
    return True


@require_POST
def add_participant(request, run_id):
    run = organiser_run(request, run_id)
    form = AddParticipantForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error[0])
    elif not form.user.profile_complete:
        messages.error(
            request,
            _("%(email)s has not completed their profile yet.") % {"email": form.user.email},
        )
    else:
        result = {}

        def action():
            result["r"] = register(
                run,
                form.user,
                actor=request.user,
                organiser=True,
                waive_prerequisites=form.cleaned_data["waive_prerequisites"],
            )

        if _run_action(request, run, action):
            messages.success(
                request,
                _("%(name)s was added: %(status)s.")
                % {"name": form.user, "status": result["r"].get_status_display()},
            )
    return redirect("run_participants", run.pk)


@require_POST
def change_run_capacity(request, run_id):
    run = organiser_run(request, run_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _run_action(
            request,
            run,
            lambda: change_capacity(
                run, data["capacity"], actor=request.user, reason=data["reason"]
            ),
        ):
            messages.success(request, _("The capacity is now %(n)d.") % {"n": data["capacity"]})
    else:
        messages.error(request, _("Enter a capacity of 0 or more."))
    return redirect("run_participants", run.pk)


def _registration(request, run_id, registration_id):
    run = organiser_run(request, run_id)
    registration = get_object_or_404(
        Registration.objects.select_related("user", "run"), pk=registration_id, run=run
    )
    return run, registration


def cancel_participant(request, run_id, registration_id):
    run, registration = _registration(request, run_id, registration_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _run_action(
            request,
            run,
            lambda: cancel(
                registration, actor=request.user, reason=form.cleaned_data["reason"], organiser=True
            ),
        ):
            messages.success(request, _("The registration was cancelled."))
        return redirect("run_participants", run.pk)
    return TemplateResponse(
        request,
        "enrollment/admin/action_form.html",
        {
            "run": run,
            "registration": registration,
            "form": form,
            "page_title": _("Cancel registration"),
            "submit_label": _("Cancel registration"),
        },
    )


def participant_priority(request, run_id, registration_id):
    run, registration = _registration(request, run_id, registration_id)
    form = PriorityForm(
        request.POST if request.method == "POST" else None,
        initial={"priority": registration.priority},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run_action(
            request,
            run,
            lambda: set_priority(
                registration, data["priority"], actor=request.user, reason=data["reason"]
            ),
        ):
            messages.success(request, _("The priority was changed."))
        return redirect("run_participants", run.pk)
    return TemplateResponse(
        request,
        "enrollment/admin/action_form.html",
        {
            "run": run,
            "registration": registration,
            "form": form,
            "page_title": _("Waitlist priority"),
            "submit_label": _("Save"),
        },
    )


@require_POST
def participant_completed(request, run_id, registration_id):
    run, registration = _registration(request, run_id, registration_id)
    completed = request.POST.get("completed", "1") == "1"
    if _run_action(
        request,
        run,
        lambda: mark_completed(registration, actor=request.user, completed=completed),
    ):
        messages.success(request, _("Completion was updated."))
    return redirect("run_participants", run.pk)


def registration_log(request, run_id):
    run = organiser_run(request, run_id)
    events = (
        RegistrationEvent.objects.filter(run=run)
        .select_related("registration__user", "actor")
        .order_by("-at", "-pk")[:500]
    )
    return TemplateResponse(
        request,
        "enrollment/admin/log.html",
        {"run": run, "events": events, "page_title": _("Registration log")},
    )
