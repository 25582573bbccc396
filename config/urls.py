from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal.public.urls import feeds

from . import admin as _superuser_admin
from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Wagtail's own login form has no rate limit: the site's (allauth) login instead.
    path("admin/login/", _superuser_admin.wagtail_admin_login, name="wagtailadmin_site_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    *feeds,
]

if settings.BENCH_BARE_VIEW:
    # Only for `manage.py bench --http-reads`: a plain view through the same middleware.
    from devtools.bench_reads import bare_view

    urlpatterns.insert(0, path("bench/bare/", bare_view))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("people.urls")),
    # One URL module per audience (portal/): each with its one entry guard.
    path("", include("portal.public.urls")),
    path("", include("portal.participant.urls")),
    path("", include("portal.coordinator.urls")),
    path("", include("portal.organiser.urls")),
    path("", include("cms.urls")),  # Wagtail's pages, routed in one query
    prefix_default_language=False,
)
