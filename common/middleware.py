"""Request checks that every view needs and none should repeat.

Invariant: a request whose path, query string or form fields contain a NUL byte, or whose
query string or a query parameter is absurdly long, is answered 400 with a page in the
user's language before any view (or database) sees it. PostgreSQL cannot store or even
compare text with NUL ('A string literal cannot contain NUL'), so without this every lookup
by a token from the URL or a typed field could answer 500.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.shortcuts import render

NUL = "\x00"
MAX_QUERY_STRING = 8 * 1024
MAX_QUERY_VALUE = 2000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(values):
    return any(NUL in v for v in values if isinstance(v, str))


def is_unstorable(request):
    """Whether the request carries input that cannot be stored or looked up."""
    if NUL in request.path or NUL in request.path_info:
        return True
    query_string = request.META.get("QUERY_STRING", "")
    if len(query_string) > MAX_QUERY_STRING:
        return True
    for key, values in request.GET.lists():
        if NUL in key or _has_nul(values) or any(len(v) > MAX_QUERY_VALUE for v in values):
            return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            if NUL in key or _has_nul(values):
                return True
        for upload in request.FILES.values():
            if NUL in (upload.name or ""):
                return True
    return False


class RejectUnstorableInputMiddleware:
    """Answer 400 ('bad_input.html') to input no view can store; see the module docstring.
    Placed after the locale, session, auth and message middleware so the page is in the
    user's language and layout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_unstorable(request):
            return render(request, "bad_input.html", status=400)
        return self.get_response(request)


class SitePolicyMiddleware(CSPMiddleware):
    """Content-Security-Policy (django-csp): the site's strict policy
    (``CONTENT_SECURITY_POLICY``, no inline script or style), and for the admin areas
    (``CSP_ADMIN_PREFIXES``: Wagtail and Django's admin, which use inline scripts and styles)
    the looser ``CSP_ADMIN_DIRECTIVES``. Also sets ``Permissions-Policy`` from
    ``PERMISSIONS_POLICY`` on every response."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.CSP_ADMIN_PREFIXES))
        ):
            return PolicyParts(
                settings.CSP_ADMIN_DIRECTIVES, parts.update, parts.replace, parts.nonce
            )
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = ", ".join(
                f"{feature}=({' '.join(allow)})"
                for feature, allow in settings.PERMISSIONS_POLICY.items()
            )
        return response
