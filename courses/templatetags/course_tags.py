from django import template

from courses.models import CoursePage

register = template.Library()


@register.simple_tag
def provider_courses(provider):
    """The live course modules a provider publishes, by title."""
    return CoursePage.objects.live().descendant_of(provider).order_by("title")
