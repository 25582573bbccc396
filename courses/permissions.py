"""Who may see and edit which course runs: the organiser's entry guard.

Invariant: a user organises a run only when they hold the model permission to change course
runs and may edit the run's course page. Page permissions are granted per provider subtree (each
provider's editors group on its ResourceCentrePage; NAPHA staff on the home page), so a
provider's editors reach exactly their own runs. ``run_policy`` is the policy registered with
Wagtail for the run admin; ``organised_runs`` and ``organised_run`` apply the same rule to every
organiser page outside the admin (attendance, participants, the organiser's calendar feed).

Instructors (``CourseRun.instructors``, people of any centre) teach a run without organising
it: ``taught_runs``/``taught_run`` admit organisers and the run's instructors to the
organiser's *frontend* pages of that run (register, check-in screen, participant list,
messages, materials). Instructors get no CMS rights: the admin and everything that changes
the run itself (certificates, completion overrides, registrations) keep using ``run_policy``.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q
from django.http import Http404
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.localisation import originals
from organisations.services.memberships import coordinated_organisations

from .models import CoursePage, CourseRun


def editable_courses(user):
    """Course modules (original course pages: runs belong to them, never to an English
    version) the user may change."""
    if not user.is_active:
        return CoursePage.objects.none()
    if user.is_superuser:
        return originals(CoursePage.objects.all())
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return originals(CoursePage.objects.filter(pk__in=pages.values("pk")))


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


run_policy = CourseRunPermissionPolicy(CourseRun)


def organised_runs(user):
    """The runs ``user`` organises (the run policy's "change" permission)."""
    return run_policy.instances_user_has_permission_for(user, "change")


def organised_run(user, run_id, queryset=None):
    """The run ``run_id`` if ``user`` organises it, else Http404 (so ids cannot be probed)."""
    runs = queryset if queryset is not None else CourseRun.objects.all()
    run = runs.filter(pk=run_id, pk__in=organised_runs(user).values("pk")).first()
    if run is None:
        raise Http404
    return run


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


def taught_runs(user):
    """The runs ``user`` organises or is named an instructor of (frontend pages only)."""
    if not user.is_authenticated or not user.is_active:
        return CourseRun.objects.none()
    return CourseRun.objects.filter(
        Q(pk__in=organised_runs(user).values("pk")) | Q(pk__in=user.taught_runs.values("pk"))
    )


def taught_run(user, run_id, queryset=None):
    """The run ``run_id`` if ``user`` organises or teaches it, else Http404."""
    runs = queryset if queryset is not None else CourseRun.objects.all()
    run = runs.filter(pk=run_id, pk__in=taught_runs(user).values("pk")).first()
    if run is None:
        raise Http404
    return run


def is_organiser(user, run):
    """Whether ``user`` organises ``run`` (not merely teaches it)."""
    return organised_runs(user).filter(pk=run.pk).exists()


def may_close_register(user, run):
    """Organisers close the register; instructors only when the run allows it."""
    return run.instructors_may_close_register or is_organiser(user, run)


def doors(user):
    """Which doors the site shows ``user``, in one query, kept on the user object for the rest of
    the request: coordinates an organisation, organises runs (may change runs, directly or
    through a group), teaches a run, may open the admin (staff or Wagtail's ``access_admin``)."""
    known = getattr(user, "_doors", None)
    if known is not None:
        return known
    if not user.is_authenticated:
        found = {"coordinates": False, "organises": False, "teaches": False, "admin": False}
    elif user.is_superuser:
        found = {"coordinates": True, "organises": True, "teaches": True, "admin": True}
    else:
        perms = Permission.objects.filter(Q(user=user) | Q(group__user=user))
        found = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                coordinates=Exists(coordinated_organisations(user)),
                organises=Exists(
                    perms.filter(content_type__app_label="courses", codename="change_courserun")
                ),
                teaches=Exists(CourseRun.objects.filter(instructors=user)),
                admin=Exists(
                    perms.filter(content_type__app_label="wagtailadmin", codename="access_admin")
                ),
            )
            .values("coordinates", "organises", "teaches", "admin")
            .first()
        ) or {"coordinates": False, "organises": False, "teaches": False, "admin": False}
        found["admin"] = bool(found["admin"]) or user.is_staff
    user._doors = found
    return found
