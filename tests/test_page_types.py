"""Where each page type may be created in the tree."""

import pytest
from django.core.management import call_command
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, ResourceCentrePage, StandardPage
from courses.models import CourseCatalogPage, CoursePage
from courses.setup import ensure_site


class PageTypeRulesTests(WagtailPageTestCase):
    def test_course_page_only_under_a_resource_centre(self):
        self.assertAllowedParentPageTypes(CoursePage, {ResourceCentrePage})
        self.assertCanCreateAt(ResourceCentrePage, CoursePage)
        for parent in (HomePage, CourseCatalogPage, StandardPage, CoursePage, Page):
            self.assertCanNotCreateAt(parent, CoursePage)

    def test_course_page_and_catalogue_have_no_children(self):
        self.assertAllowedSubpageTypes(CoursePage, set())
        self.assertAllowedSubpageTypes(CourseCatalogPage, set())

    def test_catalogue_only_under_the_home_page(self):
        self.assertAllowedParentPageTypes(CourseCatalogPage, {HomePage})
        self.assertCanNotCreateAt(ResourceCentrePage, CourseCatalogPage)
        self.assertCanNotCreateAt(StandardPage, CourseCatalogPage)

    def test_resource_centre_only_under_the_home_page(self):
        self.assertAllowedParentPageTypes(ResourceCentrePage, {HomePage})
        self.assertAllowedSubpageTypes(ResourceCentrePage, {CoursePage, StandardPage})
        self.assertCanNotCreateAt(ResourceCentrePage, ResourceCentrePage)

    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {ResourceCentrePage, CourseCatalogPage, StandardPage}
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_standard_pages_nest_under_home_provider_and_each_other(self):
        self.assertAllowedParentPageTypes(
            StandardPage, {HomePage, ResourceCentrePage, StandardPage}
        )
        self.assertCanNotCreateAt(CoursePage, StandardPage)

    def test_at_most_one_home_page_and_one_catalogue(self):
        root = Page.get_first_root_node()
        self.assertTrue(HomePage.can_create_at(root))
        home, _catalogue = ensure_site()
        self.assertFalse(HomePage.can_create_at(root))
        self.assertFalse(CourseCatalogPage.can_create_at(home))
        self.assertEqual(HomePage.objects.count(), 1)
        self.assertEqual(CourseCatalogPage.objects.count(), 1)

    def test_ensure_site_is_idempotent_and_serves_the_catalogue_at_kurs(self):
        home, catalogue = ensure_site()
        self.assertEqual(ensure_site(), (home, catalogue))
        self.assertEqual(catalogue.url, "/kurs/")
        self.assertEqual(home.url, "/")
        self.assertEqual(self.client.get("/kurs/").status_code, 200)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_site_skeleton_is_made_again_on_an_emptied_database(client):
    call_command("flush", interactive=False, verbosity=0)
    assert Page.get_first_root_node() is None
    home, catalogue = ensure_site()
    assert home.get_parent().is_root() and catalogue.get_parent().pk == home.pk
    assert client.get("/").status_code == 200
    assert client.get("/kurs/").status_code == 200
