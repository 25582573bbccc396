"""Who edits training packages: NAPHA's national group gets the model permissions for
packages, versions and resource centre regions, and may revoke package certificates.
Idempotent; called after migrations and by the demo seed (which creates the group)."""

from django.contrib.auth.models import Group, Permission

from cms.groups import NATIONAL_GROUP_NAME

EDIT_MODELS = ("trainingpackage", "packageversion", "resourcecentreregion")
PERMISSIONS = [
    f"{action}_{model}" for model in EDIT_MODELS for action in ("add", "change", "delete", "view")
] + ["view_packagecompletion", "change_packagecompletion"]


def ensure_package_editors():
    group = Group.objects.filter(name=NATIONAL_GROUP_NAME).first()
    if group is None:
        return None
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="training", codename__in=PERMISSIONS)
    )
    return group
