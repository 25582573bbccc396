"""Wagtail's front-end URLs, with its page view replaced by ``cms.views.serve`` (same pattern,
same name, so ``pageurl`` and ``reverse("wagtail_serve")`` are unchanged)."""

from django.urls import re_path
from wagtail import urls as wagtail_urls

from . import views

urlpatterns = [
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, views.serve, name="wagtail_serve"),
]
