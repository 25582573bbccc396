from wagtail import hooks

from courses.models import CourseCatalogPage

from .public.views import render_catalogue


@hooks.register("before_serve_page")
def serve_catalogue(page, request, serve_args, serve_kwargs):
    """The catalogue page's listing (filters, seats, pages) is built here, above the CMS."""
    if isinstance(page, CourseCatalogPage):
        return render_catalogue(request, page)
    return None
