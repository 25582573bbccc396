"""Django's own admin, for superusers only: it holds django-celery-beat's schedule (pause or
change a periodic task without a deploy). Everything else is edited in the Wagtail admin.
Signing in goes through the site's own login (allauth, rate-limited), never the admin's form."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def superusers_only(request):
    return request.user.is_active and request.user.is_superuser


def site_login(request, extra_context=None):
    """Anonymous: the site's login, then back. Signed in without being a superuser: 403 (a
    redirect would bounce between the two logins)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.GET.get("next") or "/django-admin/", reverse("account_login"))


admin.site.has_permission = superusers_only
admin.site.login = site_login
admin.site.site_header = admin.site.site_title = "IPS-kurs: teknisk administrasjon"
