from wagtail import hooks

from .groups import ensure_editors_group
from .models import ResourceCentrePage


@hooks.register("after_create_page")
def create_editors_group_for_new_provider(request, page):
    """A new course provider gets its own editors group and image collection at once."""
    if isinstance(page.specific, ResourceCentrePage):
        ensure_editors_group(page.specific)
