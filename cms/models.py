"""Editorial pages. The page tree is

    HomePage
    ├── ResourceCentrePage (one per course provider: each IPS resource centre, and NAPHA)
    │   ├── CoursePage (a course module, in courses/)
    │   └── StandardPage
    ├── CourseCatalogPage (the catalogue, in courses/)
    └── StandardPage (about, privacy, accessibility statement)

Each provider's editors group holds page permissions on its own ResourceCentrePage, so it edits
only that subtree.

A page may have an English version (``cms.localisation``): a copy in the ``en`` locale, with
text only. Listings list the originals, shown by their English version on the English site.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BodyBlock
from .localisation import LocalisedPageMixin, localized, originals
from .routing import RoutedPage


class HomePage(LocalisedPageMixin, RoutedPage, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ResourceCentrePage", "courses.CourseCatalogPage", "cms.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        # The next runs come from the template (portal's `upcoming_runs` tag): seats are not
        # the CMS's business.
        context = super().get_context(request, *args, **kwargs)
        context["providers"] = localized(
            originals(ResourceCentrePage.objects.live()).order_by("title")
        )
        return context


class ResourceCentrePage(LocalisedPageMixin, RoutedPage, Page):
    """A course provider: an IPS resource centre, or NAPHA."""

    short_name = models.CharField(
        _("short name"), max_length=60, blank=True, help_text=_("Used in lists, e.g. 'Nord'.")
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    is_national = models.BooleanField(
        _("national competence service"),
        default=False,
        help_text=_("Tick for NAPHA, which co-teaches courses and follows training nationally."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("short_name"),
        FieldPanel("intro"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [FieldPanel("email"), FieldPanel("phone"), FieldPanel("website")],
            heading=_("Contact"),
        ),
    ]
    settings_panels = Page.settings_panels + [FieldPanel("is_national")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("course provider")
        verbose_name_plural = _("course providers")

    @property
    def display_name(self):
        return self.short_name or self.title


class StandardPage(LocalisedPageMixin, RoutedPage, Page):
    """Content such as 'about', the privacy notice and the accessibility statement."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ResourceCentrePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
