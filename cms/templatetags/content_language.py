"""``{% content_lang page %}``: ` lang="nb"` on an element holding a page's editorial content
when the visitor reads the site in another language (WCAG 3.1.2). The CMS content is written in
the page's locale: on the English site an English version of a page needs nothing, and a
Norwegian page shown there (no English version yet) says so. ``{% lang_attr code %}`` does the
same for text whose language is known by its code (``CourseRun.title_language``).

No query: the page's language comes from its ``locale_id`` (``cms.localisation``)."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

from cms.localisation import content_language

register = template.Library()


@register.simple_tag
def lang_attr(code):
    code = (code or settings.LANGUAGE_CODE).split("-")[0]
    if code == (get_language() or settings.LANGUAGE_CODE).split("-")[0]:
        return ""
    return format_html(' lang="{}"', code)


@register.simple_tag
def content_lang(page=None):
    return lang_attr(content_language(page))
