"""Editor groups per course provider.

Invariant: a provider's editors group holds page permissions only on that provider's
ResourceCentrePage and its English version (so on their subtrees), may make English versions
of those pages, image permissions only in the provider's collection, and
the course-run model permissions that ``courses.permissions`` narrows to the provider's courses.
The national group (NAPHA staff) holds the same permissions on the home page, so on everything.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")
DOCUMENT_PERMISSIONS = ("add_document", "change_document", "choose_document")
RUN_PERMISSIONS = ("add_courserun", "change_courserun", "delete_courserun", "view_courserun")
# Making English versions of the pages they edit (wagtail.contrib.simple_translation).
TRANSLATION_PERMISSIONS = ("submit_translation",)
# Evaluation questionnaires (snippets of the ``evaluation`` app, named here by label only).
QUESTIONNAIRE_PERMISSIONS = (
    "add_questionnaire",
    "change_questionnaire",
    "delete_questionnaire",
    "view_questionnaire",
)
NATIONAL_GROUP_NAME = "NAPHA – nasjonal tilgang"


def _permissions(app_label, codenames):
    return Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def _grant(group, page, collection):
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *_permissions("courses", RUN_PERMISSIONS),
        *_permissions("evaluation", QUESTIONNAIRE_PERMISSIONS),
        *_permissions("simple_translation", TRANSLATION_PERMISSIONS),
    )
    # The page and its translations (English versions): the same rights on both.
    for translation in page.get_translations(inclusive=True):
        for permission in _permissions("wagtailcore", PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(
                group=group, page=translation, permission=permission
            )
    for app_label, codenames in (
        ("wagtailimages", IMAGE_PERMISSIONS),
        ("wagtaildocs", DOCUMENT_PERMISSIONS),
    ):
        for permission in _permissions(app_label, codenames):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


def editors_group_name(provider):
    return f"Redaktører – {provider.title}"


def provider_collection(provider):
    root = Collection.get_first_root_node()
    name = provider.title
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


# Documents in this child of a provider's collection are course materials: served only to the
# people of the runs they are attached to (``teaching.services.materials``), never publicly.
PRIVATE_COLLECTION_NAME = "Kursmateriell (bare deltakere)"


def private_collection(provider):
    """The provider's private collection for course materials (created when missing); its
    editors' collection permissions reach it as a child of the provider's collection."""
    parent = provider_collection(provider)
    existing = parent.get_children().filter(name=PRIVATE_COLLECTION_NAME).first()
    return existing or parent.add_child(name=PRIVATE_COLLECTION_NAME)


def is_private_collection(collection):
    """Whether ``collection`` is (inside) a provider's private collection."""
    return collection.get_ancestors(inclusive=True).filter(name=PRIVATE_COLLECTION_NAME).exists()


@transaction.atomic
def ensure_editors_group(provider):
    """Create (or complete) the editors group for a provider page, with the provider's
    collection and its private collection for course materials; idempotent."""
    group, _ = Group.objects.get_or_create(name=editors_group_name(provider))
    _grant(group, provider, provider_collection(provider))
    private_collection(provider)
    return group


@transaction.atomic
def ensure_national_group(home_page):
    """NAPHA staff: see and edit everything below the home page; idempotent."""
    group, _ = Group.objects.get_or_create(name=NATIONAL_GROUP_NAME)
    _grant(group, home_page, Collection.get_first_root_node())
    return group
