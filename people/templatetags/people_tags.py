"""Template filters about the signed-in person."""

from django import template
from django.contrib.auth.models import Permission
from django.db.models import Q

register = template.Library()


@register.filter
def may_open_admin(user):
    """Whether the header links to the admin: staff, or Wagtail's ``access_admin``
    permission directly or through a group. One query at most (``perms.…`` would load all
    of the person's permissions in two, on every page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    loaded = getattr(user, "_perm_cache", None)
    if loaded is not None:
        return "wagtailadmin.access_admin" in loaded
    return (
        Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .filter(Q(user=user) | Q(group__user=user))
        .exists()
    )
