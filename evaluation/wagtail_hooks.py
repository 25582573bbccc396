"""The questionnaires (snippets) and the evaluation reports in the Wagtail admin, and the
"evaluate this course" panel on *Mine kurs* (the ``my_courses_panels`` hook)."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from organisations.access import NATIONAL_PERMISSION
from reports.wagtail_hooks import PermissionMenuItem

from . import views
from .forms import QuestionnaireAdminForm
from .models import Questionnaire


def editable_questionnaires(user):
    """The questionnaires ``user`` may change: their providers' own; the national core set and
    every provider's only for NAPHA (the national report permission) and superusers."""
    queryset = Questionnaire.objects.select_related("provider")
    if user.is_superuser or user.has_perm(NATIONAL_PERMISSION):
        return queryset
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return queryset.filter(provider__in=pages.values("pk"), is_core=False)


class EditableOnly:
    """For the views about one questionnaire: another provider's (or, for a provider, the core
    set) does not exist (404), whatever its id."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not editable_questionnaires(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class QuestionnaireEditView(EditableOnly, snippet_views.EditView):
    pass


class QuestionnaireDeleteView(EditableOnly, snippet_views.DeleteView):
    pass


class QuestionnaireViewSet(SnippetViewSet):
    """A provider's editors see their own provider's questionnaires and the core set; NAPHA
    (editors of the home page) and superusers all."""

    model = Questionnaire
    icon = "form"
    menu_label = gettext_lazy("Evaluation questionnaires")
    menu_order = 270
    add_to_admin_menu = True
    list_display = ["title", "provider", "is_core", "is_default", "named"]
    copy_view_enabled = False
    edit_view_class = QuestionnaireEditView
    delete_view_class = QuestionnaireDeleteView
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("provider"),
            MultiFieldPanel(
                [FieldPanel("is_core"), FieldPanel("is_default"), FieldPanel("named")],
                heading=gettext_lazy("Use"),
            ),
            FieldPanel("intro_nb"),
            FieldPanel("intro_en"),
            FieldPanel("items"),
            MultiFieldPanel(
                [FieldPanel("courses"), FieldPanel("runs")],
                heading=gettext_lazy("Where it is asked"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("reminder_days"),
                    FieldPanel("open_days"),
                    FieldPanel("follow_up"),
                    FieldPanel("follow_up_months"),
                ],
                heading=gettext_lazy("Timing"),
            ),
        ],
        base_form_class=QuestionnaireAdminForm,
    )

    def get_queryset(self, request):
        queryset = Questionnaire.objects.select_related("provider")
        if request.user.is_superuser:
            return queryset
        pages = PagePermissionPolicy().instances_user_has_permission_for(request.user, "change")
        return queryset.filter(provider__in=pages.values("pk")) | queryset.filter(is_core=True)


register_snippet(QuestionnaireViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/evaluations/", views.provider_report, name="evaluation_report"),
        path(
            "reports/evaluations/national/",
            views.national_report,
            name="evaluation_national_report",
        ),
    ]


@hooks.register("register_reports_menu_item")
def provider_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Course evaluations"),
        reverse("evaluation_report"),
        icon_name="form",
        order=14,
        permission="courses.change_courserun",
    )


@hooks.register("register_reports_menu_item")
def national_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Course evaluations (national)"),
        reverse("evaluation_national_report"),
        icon_name="form",
        order=15,
        permission=NATIONAL_PERMISSION,
    )


@hooks.register("my_courses_panels")
def evaluate_panel(request):
    return views.my_courses_panel(request)
