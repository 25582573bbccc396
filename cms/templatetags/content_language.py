"""``{% content_lang page %}``: ` lang="nb"` on an element holding a page's editorial content
when the visitor reads the site in another language (WCAG 3.1.2). The CMS content is written in
the page's locale (Norwegian, the default); where no translation exists the Norwegian text is
shown on the English site and must say so."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


def content_language(page):
    """The language of ``page``'s content: the default language while Wagtail's localisation
    is off (every page is then in the default locale; no query), else the page's locale."""
    code = settings.LANGUAGE_CODE
    if page is not None and getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        code = page.locale.language_code
    return code.split("-")[0]


@register.simple_tag
def content_lang(page=None):
    code = content_language(page)
    if code == (get_language() or settings.LANGUAGE_CODE).split("-")[0]:
        return ""
    return format_html(' lang="{}"', code)
