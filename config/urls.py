from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from calendars import views as calendar_views
from courses import views as course_views

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("calendar/courses.ics", course_views.courses_feed, name="courses_feed"),
    path("calendar/course/<int:course_id>.ics", course_views.course_feed, name="course_feed"),
    path("calendar/me/<str:token>.ics", calendar_views.personal_feed, name="personal_feed"),
    path(
        "calendar/organiser/<str:token>.ics", calendar_views.organiser_feed, name="organiser_feed"
    ),
    path("api/runs/", course_views.api_runs, name="api_runs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("people.urls")),
    path("", include("enrollment.urls")),
    path("", include("attendance.urls")),
    path("", include("reports.urls")),
    path("", include("training.urls")),
    path("min-side/kalender/ny-lenke/", calendar_views.rotate_token, name="rotate_calendar_token"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
