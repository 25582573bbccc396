"""Django's own admin, for superusers only: it holds django-celery-beat's schedule (pause or
change a periodic task without a deploy). Everything else is edited in the Wagtail admin.
Signing in goes through the site's own login (allauth, rate-limited), never the admin's form."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def superusers_only(request):
    return request.user.is_active and request.user.is_superuser


def site_login(request, extra_context=None, default_next="/django-admin/"):
    """Anonymous: the site's login, then back. Signed in without access: 403 (a redirect
    would bounce between the two logins). Used for Django's admin and Wagtail's
    (``wagtail_admin_login``): neither admin's own password form is offered."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = default_next
    return redirect_to_login(next_url or default_next, reverse("account_login"))


def wagtail_admin_login(request):
    """/admin/login/ (Wagtail): the site's rate-limited login (allauth), then back."""
    return site_login(request, default_next="/admin/")


admin.site.has_permission = superusers_only
admin.site.login = site_login
admin.site.site_header = admin.site.site_title = "IPS-kurs: teknisk administrasjon"
