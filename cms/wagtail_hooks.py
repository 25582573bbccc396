from wagtail import hooks

from .groups import ensure_editors_group
from .models import ResourceCentrePage


@hooks.register("after_create_page")
def create_editors_group_for_new_provider(request, page):
    """A new course provider gets its own editors group and image collection at once (an
    English version gets its original's permissions when it is made: ``cms.localisation``)."""
    if isinstance(page.specific, ResourceCentrePage) and not page.specific.is_translation:
        ensure_editors_group(page.specific)
