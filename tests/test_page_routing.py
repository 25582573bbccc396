"""Pages are routed in one query (``cms.routing``) with the same answer as Wagtail's own
routing: the same page, view restrictions on it or any ancestor still applied, 404 where
Wagtail gives 404."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, PageViewRestriction

from cms.routing import route_in_one_query

pytestmark = pytest.mark.django_db


def _routed(path):
    request = RequestFactory().get(path)
    route_in_one_query(request, path)
    return getattr(request, "_wagtail_route_for_request", None)


def test_a_course_page_is_routed_to_its_specific_page_with_its_parent(course_a, provider_a):
    route = _routed(course_a.url)
    page = route[0]
    assert page == course_a and type(page) is type(course_a)
    assert page.get_parent().pk == provider_a.pk  # known without a query
    assert list(page.get_view_restrictions()) == []


def test_the_page_served_is_the_one_wagtail_routes_to(client, course_a, provider_a):
    response = client.get(course_a.url)
    assert response.status_code == 200
    assert response.context["page"] == course_a
    assert provider_a.title in response.content.decode()  # the breadcrumb
    assert client.get(provider_a.url).context["page"] == provider_a


def test_unknown_paths_and_unpublished_pages_are_404(client, course_a, provider_a):
    assert client.get(provider_a.url + "no-such-course/").status_code == 404
    assert _routed(provider_a.url + "no-such-course/") is None  # left to Wagtail
    course_a.unpublish()
    assert client.get(course_a.url).status_code == 404


@pytest.mark.parametrize("restricted", ["provider", "course"])
def test_a_view_restriction_on_the_page_or_an_ancestor_still_applies(
    client, course_a, provider_a, restricted
):
    page = provider_a if restricted == "provider" else course_a
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=page.pk), restriction_type=PageViewRestriction.LOGIN
    )
    route = _routed(course_a.url)
    assert route is None or list(route[0].get_view_restrictions())
    response = client.get(course_a.url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_password_restriction_shows_the_password_form(client, course_a):
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=course_a.pk),
        restriction_type=PageViewRestriction.PASSWORD,
        password="hemmelig",
    )
    response = client.get(course_a.url)
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert course_a.summary not in response.content.decode()
