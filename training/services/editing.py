"""NAPHA changing a package: a new version starts as a copy of an existing one.

Invariants:
- a new version copies every step (title, course modules, professions, required or
  recommended, order) and gets the next number; the version it was copied from is unchanged;
- it comes into force no earlier than tomorrow and after the package's latest version, so
  nobody's progress changes until the editor has made the change and the day has come;
- it applies only to people who start from then on, unless the editor ticks "applies to
  everyone".
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..models import PackageStep, PackageVersion


@transaction.atomic
def new_version(version, *, today=None):
    today = today or timezone.localdate()
    latest = PackageVersion.objects.filter(package_id=version.package_id).aggregate(
        day=Max("valid_from")
    )["day"]
    valid_from = max(today + timedelta(days=1), (latest or today) + timedelta(days=1))
    copy = PackageVersion.objects.create(
        package_id=version.package_id, valid_from=valid_from, applies_to_everyone=False
    )
    for step in version.steps.order_by("sort_order", "pk"):
        new_step = PackageStep.objects.create(
            version=copy,
            title=step.title,
            recommended=step.recommended,
            sort_order=step.sort_order,
        )
        new_step.courses.set(step.courses.all())
        new_step.professions.set(step.professions.all())
        new_step.save()
    return copy
