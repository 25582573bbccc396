"""Data processing agreements (GDPR art. 28) with customer organisations: NAPHA records them in
the admin and sees which organisations' staff use the platform without one in force."""

from datetime import date

from django.urls import reverse

from organisations.models import Organisation, OrganisationKind, ProcessingAgreement
from organisations.services.memberships import merge_organisations

from .conftest import employ, make_account, make_org


def agreement(organisation, signed_on, ended_on=None):
    return ProcessingAgreement.objects.create(
        organisation=organisation,
        version="2026-1",
        signed_on=signed_on,
        signed_by="Kari Leder, enhetsleder",
        ended_on=ended_on,
    )


def test_the_list_of_organisations_without_an_agreement_in_force(
    admin_client,
    clock,
    oslo_nav,
    bergen_dps,
    coordinator_a,
):
    clock.move_to("2026-12-04 10:00")
    employ(make_account("behandler@example.no"), bergen_dps)
    signed = make_org("NAV Signert", number="0301")
    employ(make_account("a@example.no"), signed)
    agreement(signed, date(2026, 1, 10))
    ended = make_org("NAV Utløpt", number="0301")
    employ(make_account("b@example.no"), ended)
    agreement(ended, date(2024, 1, 10), ended_on=date(2026, 6, 30))
    make_org("NAV Uten ansatte", number="0301")
    centre = make_org("IPS ressurssenter Øst", kind=OrganisationKind.RESOURCE_CENTRE)
    employ(make_account("c@example.no"), centre)

    lacking = set(Organisation.objects.lacking_agreement().values_list("name", flat=True))
    assert lacking == {"NAV Grünerløkka", "Bjørgvin DPS", "NAV Utløpt"}
    # On a day before the old agreement ended, it was still in force.
    before = Organisation.objects.lacking_agreement(date(2026, 6, 1))
    assert "NAV Utløpt" not in set(before.values_list("name", flat=True))

    page = admin_client.get(reverse("organisations_lacking_agreement:index"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "NAV Utløpt" in content and "Bjørgvin DPS" in content
    assert "NAV Signert" not in content and "IPS ressurssenter Øst" not in content
    export = admin_client.get(reverse("organisations_lacking_agreement:index") + "?export=csv")
    assert "NAV Grünerløkka" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_an_agreement_is_recorded_in_the_admin_and_bad_dates_are_refused(
    admin_client,
    oslo_nav,
):
    add = reverse("processing_agreements:add")
    form = {
        "organisation": oslo_nav.pk,
        "version": "2026-1",
        "signed_on": "2026-11-02",
        "signed_by": "Per Leder",
    }
    refused = admin_client.post(add, dict(form, ended_on="2026-01-01"))
    assert refused.status_code == 200
    assert "En avtale slutter etter at den ble signert." in refused.content.decode()
    assert not ProcessingAgreement.objects.exists()

    assert admin_client.post(add, form).status_code == 302
    assert ProcessingAgreement.objects.get().organisation == oslo_nav
    assert not Organisation.objects.lacking_agreement().filter(pk=oslo_nav.pk).exists()
    listing = admin_client.get(reverse("processing_agreements:index"))
    assert "Per Leder" in listing.content.decode()


def test_merging_a_duplicate_keeps_its_agreement(db, oslo_nav):
    duplicate = make_org("NAV Grunerløkka", number="0301")
    agreement(duplicate, date(2026, 3, 1))
    merge_organisations(duplicate, oslo_nav)
    assert ProcessingAgreement.objects.get().organisation == oslo_nav


def test_without_the_permission_the_pages_are_closed(client, oslo_nav):
    editor = make_account("redaktor.avtaler@example.no")
    client.force_login(editor)
    for name in ("processing_agreements:index", "organisations_lacking_agreement:index"):
        assert client.get(reverse(name)).status_code in (302, 403)
