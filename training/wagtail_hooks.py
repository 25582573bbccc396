"""Admin for training packages (NAPHA), the readiness report and package certificates, and
the panels this app adds to pages of lower apps through their hooks:

- ``my_courses_panels`` (enrollment, *My courses*): package progress and next-step runs;
- ``team_preview_panels`` (enrollment, team enrolment preview): profession balance;
- ``organisation_panels`` (organisations, the coordinator's organisation page): a link to the
  readiness view;
- ``personal_data_export`` (people, the person's data export): their package certificates.

The lower apps only call ``hooks.get_hooks(name)``; they never import this app.
"""

from django.contrib import messages
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import MenuItem
from wagtail.snippets.views.snippets import (
    DeleteView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from . import admin_views, views
from .models import PackageVersion, ResourceCentreRegion, TrainingPackage
from .services.certificates import personal_data
from .services.readiness import readiness_scope


class GuardedDeleteView(DeleteView):
    """A package or version that package certificates were issued under cannot be deleted
    (the database protects it): say so instead of failing."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _(
                    "Package certificates were issued under this, so it cannot be deleted. "
                    "Make a new version instead."
                ),
            )
            return HttpResponseRedirect(self.get_success_url())


class TrainingPackageViewSet(SnippetViewSet):
    model = TrainingPackage
    icon = "list-ol"
    menu_label = gettext_lazy("Packages")
    list_display = ["title", "programme"]
    copy_view_enabled = False
    delete_view_class = GuardedDeleteView


class VersionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("training.add_packageversion"):
            buttons.append(
                MenuItem(
                    _("New version from this"),
                    url=reverse("training_version_copy", args=[instance.pk]),
                    icon_name="copy",
                    priority=30,
                )
            )
        return buttons


class PackageVersionViewSet(SnippetViewSet):
    model = PackageVersion
    icon = "history"
    menu_label = gettext_lazy("Package versions")
    index_view_class = VersionIndexView
    list_display = [
        "package",
        Column("number", label=gettext_lazy("Version")),
        "valid_from",
        "applies_to_everyone",
    ]
    list_filter = ["package"]
    copy_view_enabled = False
    delete_view_class = GuardedDeleteView


class RegionViewSet(SnippetViewSet):
    model = ResourceCentreRegion
    icon = "site"
    menu_label = gettext_lazy("Resource centre regions")
    list_display = ["resource_centre"]
    copy_view_enabled = False


class TrainingGroup(SnippetViewSetGroup):
    items = (TrainingPackageViewSet, PackageVersionViewSet, RegionViewSet)
    menu_icon = "list-ol"
    menu_label = gettext_lazy("Training packages")
    menu_name = "training"
    menu_order = 260


@hooks.register("register_admin_viewset")
def register_training_viewsets():
    return TrainingGroup()


@hooks.register("register_admin_urls")
def register_training_urls():
    return [
        path("training/readiness/", admin_views.readiness_report, name="training_readiness"),
        path(
            "training/certificates/",
            admin_views.package_certificates,
            name="training_certificates",
        ),
        path(
            "training/certificates/<id:pk>/revoke/",
            admin_views.certificate_revoke,
            name="training_certificate_revoke",
        ),
        path(
            "training/certificates/<id:pk>/reissue/",
            admin_views.certificate_reissue,
            name="training_certificate_reissue",
        ),
        path(
            "training/versions/<id:pk>/new-version/",
            admin_views.version_copy,
            name="training_version_copy",
        ),
    ]


class ReadinessMenuItem(AdminMenuItem):
    def is_shown(self, request):
        return readiness_scope(request.user) is not None


class PermissionMenuItem(AdminMenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_reports_menu_item")
def readiness_menu_item():
    return ReadinessMenuItem(
        gettext_lazy("Training package readiness"),
        reverse("training_readiness"),
        icon_name="tasks",
        order=12,
    )


@hooks.register("register_reports_menu_item")
def certificates_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Package certificates"),
        reverse("training_certificates"),
        icon_name="doc-full",
        order=13,
        permission=admin_views.CERTIFICATE_PERMISSION,
    )


@hooks.register("my_courses_panels")
def package_progress_panel(request):
    return views.my_courses_panel(request)


@hooks.register("team_preview_panels")
def profession_balance_panel(request, run, organisation, entries):
    return views.team_preview_panel(request, run, organisation, entries)


@hooks.register("organisation_panels")
def readiness_link(request, organisation):
    return views.organisation_links(request, organisation)


@hooks.register("personal_data_export")
def package_certificates_export(user):
    return {"package_certificates": personal_data(user)}
