"""Administration of organisations, memberships and pending employer requests."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import MenuItem
from wagtail.log_actions import log

from common.spreadsheets import SafeSpreadsheetExportMixin

from .models import Membership, Organisation, OrganisationStatus, ProcessingAgreement
from .services.memberships import MembershipError, approve_organisation, merge_organisations


def _require_change_permission(user):
    if not user.has_perm("organisations.change_organisation"):
        raise PermissionDenied


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=gettext_lazy("Merge into"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy(
            "Members, invitations and grants move to this organisation. The duplicate is kept "
            "as 'merged' so old records still resolve."
        ),
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Organisation.objects.exclude(pk=source.pk)
            .exclude(status=OrganisationStatus.MERGED)
            .select_related("municipality")
            .order_by("name")
        )


def merge_view(request, pk):
    _require_change_permission(request.user)
    source = get_object_or_404(Organisation, pk=pk)
    form = MergeForm(request.POST if request.method == "POST" else None, source=source)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = merge_organisations(source, target)
        except MembershipError as exc:
            messages.error(request, str(exc))
        else:
            log(
                instance=source,
                action="organisations.merge",
                user=request.user,
                data={"into": target.pk, "memberships_moved": moved},
            )
            messages.success(
                request,
                _("%(source)s was merged into %(target)s (%(n)d memberships moved).")
                % {"source": source.name, "target": target.name, "n": moved},
            )
            return redirect("organisations:edit", target.pk)
    return TemplateResponse(
        request,
        "organisations/admin/merge.html",
        {"source": source, "form": form, "page_title": _("Merge organisation")},
    )


@require_POST
def approve_view(request, pk):
    _require_change_permission(request.user)
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        approve_organisation(organisation)
    except MembershipError as exc:
        messages.error(request, str(exc))
    else:
        log(instance=organisation, action="organisations.approve", user=request.user)
        messages.success(request, _("%(name)s was approved.") % {"name": organisation.name})
    return redirect("pending_organisations:index")


class SafeExportIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """A listing whose spreadsheet export neutralises formulas."""


class OrganisationIndexView(SafeExportIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status != OrganisationStatus.MERGED:
            buttons.append(
                MenuItem(
                    _("Merge into another…"),
                    url=reverse("organisation_merge", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=40,
                )
            )
        return buttons


class PendingIndexView(OrganisationIndexView):
    template_name = "organisations/admin/pending_index.html"

    def get_base_queryset(self):
        return super().get_base_queryset().filter(status=OrganisationStatus.PENDING)


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = gettext_lazy("Organisations")
    index_view_class = OrganisationIndexView
    list_display = ["name", "kind", "org_number", "municipality", "county", "status"]
    list_filter = ["kind", "county", "status"]
    search_fields = ["name", "org_number", "municipality__name"]
    list_export = ["name", "kind", "org_number", "municipality", "county", "status"]
    export_filename = "organisasjoner"
    inspect_view_enabled = True
    form_fields = [
        "name",
        "kind",
        "org_number",
        "municipality",
        "county",
        "provider_page",
        "status",
    ]


class PendingOrganisationViewSet(OrganisationViewSet):
    menu_label = gettext_lazy("Pending employer requests")
    icon = "warning"
    index_view_class = PendingIndexView
    list_display = ["name", "org_number", "municipality", "requested_by", "created_at"]
    list_filter = ["kind", "county"]
    list_export = ["name", "org_number", "municipality", "requested_by", "created_at"]
    export_filename = "arbeidsgiverforesporsler"


class LackingAgreementIndexView(OrganisationIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().lacking_agreement()


class LackingAgreementViewSet(OrganisationViewSet):
    """Customer organisations whose staff use the platform without a data processing agreement
    in force: the list to work through."""

    menu_label = gettext_lazy("Without a data processing agreement")
    icon = "warning"
    index_view_class = LackingAgreementIndexView
    list_display = ["name", "kind", "org_number", "municipality", "county"]
    list_filter = ["kind", "county"]
    list_export = ["name", "kind", "org_number", "municipality", "county"]
    export_filename = "uten-databehandleravtale"


class ProcessingAgreementViewSet(ModelViewSet):
    model = ProcessingAgreement
    index_view_class = SafeExportIndexView
    icon = "doc-full"
    menu_label = gettext_lazy("Data processing agreements")
    list_display = ["organisation", "version", "signed_on", "signed_by", "ended_on"]
    list_filter = ["version", "signed_on", "ended_on"]
    search_fields = ["organisation__name", "organisation__org_number", "signed_by", "version"]
    list_export = ["organisation", "version", "signed_on", "signed_by", "ended_on", "note"]
    export_filename = "databehandleravtaler"
    form_fields = [
        "organisation",
        "version",
        "signed_on",
        "signed_by",
        "document",
        "ended_on",
        "note",
    ]


class MembershipViewSet(ModelViewSet):
    model = Membership
    index_view_class = SafeExportIndexView
    icon = "user"
    menu_label = gettext_lazy("Memberships")
    list_display = ["user", "organisation", "role", "started_at", "ended_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    list_export = ["user", "organisation", "role", "started_at", "ended_at"]
    form_fields = ["user", "organisation", "role", "started_at", "ended_at"]


class OrganisationGroup(ViewSetGroup):
    menu_label = gettext_lazy("Organisations")
    menu_icon = "group"
    menu_order = 300
    items = (
        OrganisationViewSet("organisations"),
        PendingOrganisationViewSet("pending_organisations"),
        MembershipViewSet("memberships"),
        ProcessingAgreementViewSet("processing_agreements"),
        LackingAgreementViewSet("organisations_lacking_agreement"),
    )


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationGroup()


@hooks.register("register_admin_urls")
def register_organisation_admin_urls():
    return [
        path("organisations/<id:pk>/merge/", merge_view, name="organisation_merge"),
        path("organisations/<id:pk>/approve/", approve_view, name="organisation_approve"),
    ]


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    actions.register_action("organisations.merge", _("Merge"), _("Merged into another"))
    actions.register_action("organisations.approve", _("Approve"), _("Approved"))
