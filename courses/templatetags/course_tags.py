from django import template

from cms.localisation import is_default_language, localized, original, originals
from courses.models import CoursePage

register = template.Library()


@register.simple_tag
def provider_courses(provider):
    """The live course modules a provider publishes, each once (the original), shown by its
    English version on the English site where it has one; by title."""
    courses = originals(CoursePage.objects.live().descendant_of(original(provider)))
    shown = localized(courses.order_by("title"))
    if not is_default_language():
        shown.sort(key=lambda course: course.title.casefold())
    return shown
