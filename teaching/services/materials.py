"""Who may download a course material.

Invariant: a document in a provider's private collection is served only through Wagtail's
serve view (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``), and only to (a) the organisers and
instructors of a run it is attached to, at any time, (b) people with a confirmed registration
on such a run once the material is visible (from its days before the course, or after the
course), and (c) editors who may change documents in that collection. Everyone else gets a
404, as if it did not exist; someone not signed in is asked to sign in first.
"""

from django.db.models import Prefetch
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from cms.groups import is_private_collection
from courses.models import CourseSession
from courses.permissions import taught_runs
from enrollment.models import Registration, RegistrationStatus

from ..models import RunMaterial

SESSIONS = Prefetch("run__sessions", queryset=CourseSession.objects.order_by("date", "start_time"))


def is_restricted(document):
    return is_private_collection(document.collection) or document.run_materials.exists()


def may_download(user, document, now=None):
    now = now or timezone.now()
    if not user.is_authenticated or not user.is_active:
        return False
    policy = policy_registry.get_by_type(get_document_model())
    if policy.user_has_permission_for_instance(user, "change", document):
        return True
    materials = list(document.run_materials.prefetch_related(SESSIONS))
    runs = {m.run_id for m in materials}
    if taught_runs(user).filter(pk__in=runs).exists():
        return True
    confirmed = set(
        Registration.objects.filter(
            user=user, run_id__in=runs, status=RegistrationStatus.CONFIRMED
        ).values_list("run_id", flat=True)
    )
    return any(m.run_id in confirmed and m.is_visible(now) for m in materials)


def visible_materials(registrations, now=None):
    """{registration pk: [material, ...]} visible now for each confirmed registration (two
    queries for any number of registrations)."""
    now = now or timezone.now()
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
    found = {r.pk: [] for r in confirmed}
    by_run = {}
    for r in confirmed:
        by_run.setdefault(r.run_id, []).append(r.pk)
    materials = (
        RunMaterial.objects.filter(run_id__in=by_run)
        .select_related("document")
        .prefetch_related(SESSIONS)
        .order_by("sort_order", "pk")
    )
    for material in materials:
        if material.is_visible(now):
            for pk in by_run[material.run_id]:
                found[pk].append(material)
    return found
