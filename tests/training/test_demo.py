"""The demo seed has realistic training packages and regions, and can run again."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from cms.groups import NATIONAL_GROUP_NAME
from enrollment.models import Registration
from organisations.models import Organisation
from training.models import PackageStep, PackageVersion, ResourceCentreRegion, TrainingPackage
from training.services.readiness import organisation_readiness

pytestmark = pytest.mark.django_db


def counts():
    return (
        TrainingPackage.objects.count(),
        PackageVersion.objects.count(),
        PackageStep.objects.count(),
        ResourceCentreRegion.objects.count(),
    )


def test_demo_packages(client):
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    first = counts()
    assert first[0] == 3 and first[3] == 4
    ips = TrainingPackage.objects.get(programme="ips")
    basic = ips.versions.last().steps.get(title="Grunnkurs i IPS")
    # The basic course is "one of" the four regional basic courses.
    assert basic.courses.count() == 4 and not basic.recommended
    assert sorted(p.code for p in basic.professions.all()) == [
        "job_specialist",
        "supervisor",
        "therapist",
    ]
    assert ips.versions.count() == 2
    national = Group.objects.get(name=NATIONAL_GROUP_NAME)
    assert national.permissions.filter(codename="change_packageversion").exists()

    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert counts() == first

    out = StringIO()
    call_command("seed_training_history", stdout=out)
    added = Registration.objects.filter(completed_at__isnull=False).count()
    assert added > 0 and f"{added} completed registrations added." in out.getvalue()
    call_command("seed_training_history", stdout=StringIO())
    assert Registration.objects.filter(completed_at__isnull=False).count() == added

    # The demo coordinator's readiness view works on the demo data.
    client.login(email="koordinator1@ipskurs.no", password="ipskurs-demo")
    tromso = Organisation.objects.get(name="NAV Tromsø")
    assert client.get(f"/organisasjon/{tromso.pk}/opplaering/").status_code == 200
    assert organisation_readiness(tromso).grant_year is not None
