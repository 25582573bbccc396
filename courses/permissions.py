"""Who may see and edit which course runs.

Invariant: a user may act on a run only when they may edit its course page. Page permissions
are granted per provider subtree (each provider's editors group on its ResourceCentrePage; NAPHA
staff on the home page), so a provider's editors reach exactly their own runs, and this holds
for every admin view, including URLs typed by hand.
"""

from django.http import Http404
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from .models import CoursePage, CourseRun


def editable_courses(user):
    """Course pages the user may change."""
    if not user.is_active:
        return CoursePage.objects.none()
    if user.is_superuser:
        return CoursePage.objects.all()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return CoursePage.objects.filter(pk__in=pages.values("pk"))


def runs_for_user(user):
    """Course runs the user may see and edit."""
    if not user.is_active:
        return CourseRun.objects.none()
    if user.is_superuser:
        return CourseRun.objects.all()
    return CourseRun.objects.filter(course__in=editable_courses(user).values("pk"))


class CourseRunPermissionPolicy(ModelPermissionPolicy):
    """Model permissions (add/change/delete/view course run), narrowed to the user's runs."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self._in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions) and self._in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return CourseRun.objects.none()
        return runs_for_user(user)

    def _in_scope(self, user, instance):
        return instance.pk is None or runs_for_user(user).filter(pk=instance.pk).exists()


class RunScopeMixin:
    """For admin views: only the user's runs exist; anything else is a 404."""

    def get_base_queryset(self):
        return runs_for_user(self.request.user).select_related("course")

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj is not None and not runs_for_user(self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class RunObjectScopeMixin:
    """For admin views about one run that list something else (history, usage): the run must
    be the user's, else 404. ``RunScopeMixin`` would replace their log-entry or reference
    queryset with runs."""

    def get_base_object_queryset(self):
        return runs_for_user(self.request.user)
