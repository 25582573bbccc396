from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton, MenuItem
from wagtail.permissions import register_permission_policy

from .forms import CourseRunForm
from .models import CourseRun
from .permissions import RunObjectScopeMixin, RunScopeMixin, run_policy
from .signals import run_edited

register_permission_policy(CourseRun, run_policy)


class RunIndexView(RunScopeMixin, generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Participants"),
                url=reverse("run_participants", args=[instance.pk]),
                icon_name="group",
                priority=5,
            )
        )
        buttons.append(
            MenuItem(
                _("Attendance and certificates"),
                url=reverse("run_attendance", args=[instance.pk]),
                icon_name="tick",
                priority=6,
            )
        )
        return buttons


class RunCreateView(RunScopeMixin, generic.CreateView):
    pass


class RunEditView(RunScopeMixin, generic.EditView):
    def save_instance(self):
        instance = super().save_instance()
        # Registrations and calendars follow (enrollment and calendars listen).
        run_edited.send(sender=CourseRun, run=instance)
        return instance

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        buttons.append(
            HeaderButton(
                _("Participants"),
                url=reverse("run_participants", args=[self.object.pk]),
                icon_name="group",
                priority=5,
            )
        )
        return buttons


class RunDeleteView(RunScopeMixin, generic.DeleteView):
    pass


class RunCopyView(RunScopeMixin, generic.CopyView):
    pass


class RunInspectView(RunScopeMixin, generic.InspectView):
    pass


class RunHistoryView(RunObjectScopeMixin, history.HistoryView):
    pass


class RunUsageView(RunObjectScopeMixin, usage.UsageView):
    pass


class CourseRunViewSet(ModelViewSet):
    model = CourseRun
    form_class = CourseRunForm
    icon = "date"
    menu_label = _("Course runs")
    menu_order = 200
    add_to_admin_menu = True
    copy_view_enabled = True
    inspect_view_enabled = True
    list_filter = ["status", "format"]
    search_fields = ["title", "course__title", "venue_name"]
    list_display = [
        "display_title",
        Column("course", label=_("Course")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        DateColumn("created_at", label=_("Created")),
    ]
    index_view_class = RunIndexView
    add_view_class = RunCreateView
    edit_view_class = RunEditView
    delete_view_class = RunDeleteView
    copy_view_class = RunCopyView
    inspect_view_class = RunInspectView
    history_view_class = RunHistoryView
    usage_view_class = RunUsageView

    def get_edit_handler(self):
        # With panels on the model, Wagtail builds the form from the panels and ignores
        # ``form_class``; pass it as the base form so the course choices stay scoped.
        return ObjectList(CourseRun.panels, base_form_class=CourseRunForm).bind_to_model(CourseRun)


@hooks.register("register_admin_viewset")
def register_course_run_viewset():
    return CourseRunViewSet("course_runs")
