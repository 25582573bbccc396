"""Serving pages: Wagtail's ``serve``, with the route found in one query first."""

from wagtail import views as wagtail_views

from .routing import route_in_one_query


def serve(request, path):
    route_in_one_query(request, path)
    return wagtail_views.serve(request, path)
