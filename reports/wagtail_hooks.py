from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("reports/participation/", views.national, name="report_national"),
        path("reports/my-runs/", views.provider, name="report_provider"),
    ]


@hooks.register("register_reports_menu_item")
def national_menu_item():
    return PermissionMenuItem(
        _("Participation (national)"),
        reverse("report_national"),
        icon_name="table",
        order=10,
        permission=views.NATIONAL_PERMISSION,
    )


@hooks.register("register_reports_menu_item")
def provider_menu_item():
    return PermissionMenuItem(
        _("My course runs"),
        reverse("report_provider"),
        icon_name="date",
        order=11,
        permission="courses.change_courserun",
    )
