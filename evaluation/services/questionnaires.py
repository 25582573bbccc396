"""Which questionnaire a run asks, and its frozen version.

Invariants:
- a run asks the questionnaire that lists the run (override), else one that lists its course
  module, else its provider's default; with none of these it asks NAPHA's core set alone;
- every questionnaire asks the national core set first, then its own items;
- the version asked is the latest one if its frozen items are the items asked today, else a new
  version: editing a questionnaire never changes what earlier answers were answers to.
"""

from django.db import transaction
from django.db.models import Max

from ..models import Questionnaire, QuestionnaireVersion


def core_set():
    return Questionnaire.objects.filter(is_core=True).first()


def questionnaire_for(run):
    """The questionnaire ``run`` asks (see the module docstring), or None without any."""
    found = (
        Questionnaire.objects.filter(runs=run, is_core=False).order_by("-updated_at").first()
        or Questionnaire.objects.filter(courses=run.course_id, is_core=False)
        .order_by("-updated_at")
        .first()
    )
    if found is None:
        provider = run.course.get_parent()
        found = (
            Questionnaire.objects.filter(provider=provider.pk, is_default=True, is_core=False)
            .order_by("-updated_at")
            .first()
        )
    return found or core_set()


def _frozen(questionnaire, core):
    items = []
    for block in questionnaire.items:
        value = dict(block.value)
        item = {
            "id": block.id,
            "kind": block.block_type,
            "core": core,
            "text_nb": value.get("text_nb", ""),
            "text_en": value.get("text_en", "") or value.get("text_nb", ""),
            "required": bool(value.get("required")),
        }
        for key in ("low_nb", "high_nb", "low_en", "high_en"):
            if key in value:
                item[key] = value[key]
        if "options" in value:
            item["options"] = [
                {"nb": option["nb"], "en": option["en"] or option["nb"]}
                for option in value["options"]
            ]
        items.append(item)
    return items


def frozen_items(questionnaire):
    """The items asked today: the core set's (``core``: true) first, then the questionnaire's."""
    core = None if questionnaire.is_core else core_set()
    items = _frozen(core, True) if core else []
    return items + _frozen(questionnaire, questionnaire.is_core)


def current_version(questionnaire):
    """The version that asks today's items: the latest, or a new one if they changed."""
    items = frozen_items(questionnaire)
    fields = {
        "title": questionnaire.title,
        "named": questionnaire.named,
        "intro_nb": questionnaire.intro_nb,
        "intro_en": questionnaire.intro_en,
        "items": items,
    }
    with transaction.atomic():
        Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
        latest = questionnaire.versions.order_by("-number").first()
        if latest is not None and all(getattr(latest, k) == v for k, v in fields.items()):
            return latest
        number = (questionnaire.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=number, **fields
        )
