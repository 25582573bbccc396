"""Demo training packages, resource-centre regions and, on request, some finished training.

Idempotent like the rest of the seed: packages are found by programme, a version by its day,
regions by resource centre, and the past runs by title; nothing is added a second time.
"""

import random
from datetime import date, time, timedelta

from django.utils import timezone

from cms.localisation import originals
from cms.models import ResourceCentrePage
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationStatus
from geo.models import County
from organisations.models import Grant, Membership, Organisation, OrganisationKind, Programme
from people.models import ProfessionOption
from people.professions import Profession
from training.models import PackageStep, PackageVersion, ResourceCentreRegion, TrainingPackage
from training.setup import ensure_package_editors

BASIC = ["nord/grunnkurs-i-ips", "midt/grunnkurs-i-ips", "vest/grunnkurs-i-ips"]
BASIC += ["ostfold/grunnkurs-i-ips"]
JS, TH, SU, LE, NAV, PEER = (
    Profession.JOB_SPECIALIST,
    Profession.THERAPIST,
    Profession.SUPERVISOR,
    Profession.LEADER,
    Profession.NAV_ADVISER,
    Profession.PEER_WORKER,
)

# programme: (title, description, [versions: (years before this one, applies to everyone, note,
#   [(step title, [course keys], [professions], recommended)])])
PACKAGES = {
    Programme.IPS: (
        "Opplæringspakke for IPS",
        "Opplæringen tilskuddsmottakere i IPS får gjennom de tre årene med tilskudd.",
        [
            (
                3,
                False,
                "",
                [
                    ("Grunnkurs i IPS", BASIC, [JS, TH, SU], False),
                    ("IPS for behandlere", ["nord/ips-for-behandlere"], [TH], False),
                    ("IPS for ledere", ["midt/ips-for-ledere"], [LE], False),
                    ("Metodeveiledning", ["nord/metodeveiledning"], [SU], False),
                    ("Fidelitygjennomgang", ["vest/fidelitygjennomgang"], [SU, LE], True),
                    ("Nettverkssamling", ["ostfold/nettverkssamling"], [JS, TH, SU], True),
                ],
            ),
            (
                0,
                False,
                "Fra i år er nettverkssamlingen obligatorisk for jobbspesialister som starter.",
                [
                    ("Grunnkurs i IPS", BASIC, [JS, TH, SU], False),
                    ("IPS for behandlere", ["nord/ips-for-behandlere"], [TH], False),
                    ("IPS for ledere", ["midt/ips-for-ledere"], [LE], False),
                    ("Metodeveiledning", ["nord/metodeveiledning"], [SU], False),
                    ("Nettverkssamling", ["ostfold/nettverkssamling"], [JS], False),
                    ("Fidelitygjennomgang", ["vest/fidelitygjennomgang"], [SU, LE], True),
                    (
                        "Webinar: arbeid som en del av behandlingen",
                        ["napha/webinar-arbeid-som-behandling"],
                        [TH, LE],
                        True,
                    ),
                ],
            ),
        ],
    ),
    Programme.IPS_YOUNG: (
        "Opplæringspakke for IPS ung",
        "For tjenester som gir individuell jobbstøtte til unge mellom 16 og 30 år.",
        [
            (
                2,
                False,
                "",
                [
                    ("Grunnkurs i IPS", BASIC, [JS, TH, SU, PEER], False),
                    ("IPS ung", ["vest/ips-ung"], [JS, TH, SU, PEER], False),
                    ("IPS for behandlere", ["nord/ips-for-behandlere"], [TH], False),
                    ("IPS for ledere", ["midt/ips-for-ledere"], [LE], False),
                    ("Nettverkssamling", ["ostfold/nettverkssamling"], [], True),
                ],
            ),
        ],
    ),
    Programme.JMO: (
        "Opplæringspakke for JMO",
        "Jobbmestrende oppfølging i tjenester for psykisk helse og rus.",
        [
            (
                2,
                False,
                "",
                [
                    ("JMO – jobbmestrende oppfølging", ["ostfold/jmo"], [JS, TH, NAV], False),
                    ("IPS for ledere", ["midt/ips-for-ledere"], [LE], True),
                    ("Nettverkssamling", ["ostfold/nettverkssamling"], [], True),
                ],
            ),
        ],
    ),
}

# resource centre page slug: county numbers (2024)
REGIONS = {
    "nord": ["18", "55", "56"],
    "midt": ["50", "15"],
    "vest": ["46", "11", "42"],
    "ostfold": ["31", "32", "03", "33", "34", "39", "40"],
}


def _courses():
    courses = {}
    for provider in originals(ResourceCentrePage.objects.all()):
        for course in originals(CoursePage.objects.child_of(provider)):
            courses[f"{provider.slug}/{course.slug}"] = course
    return courses


def seed_packages(today=None):
    today = today or timezone.localdate()
    courses = _courses()
    options = {o.code: o for o in ProfessionOption.objects.all()}
    for programme, (title, description, versions) in PACKAGES.items():
        package, _created = TrainingPackage.objects.get_or_create(
            programme=programme, defaults={"title": title, "description": description}
        )
        for years_before, everyone, note, steps in versions:
            valid_from = date(today.year - years_before, 1, 1)
            if package.versions.filter(valid_from=valid_from).exists():
                continue
            version = PackageVersion(
                package=package,
                valid_from=valid_from,
                applies_to_everyone=everyone,
                change_note=note,
            )
            version.save()
            for order, (step_title, keys, professions, recommended) in enumerate(steps):
                step = PackageStep(
                    version=version, title=step_title, recommended=recommended, sort_order=order
                )
                step.save()
                step.courses.set([courses[k] for k in keys if k in courses])
                step.professions.set([options[p] for p in professions])
                step.save()


def seed_regions():
    counties = {c.number: c for c in County.objects.valid_on()}
    for slug, numbers in REGIONS.items():
        centre = Organisation.objects.filter(
            kind=OrganisationKind.RESOURCE_CENTRE, provider_page__slug=slug
        ).first()
        if centre is None or ResourceCentreRegion.objects.filter(resource_centre=centre).exists():
            continue
        region = ResourceCentreRegion(resource_centre=centre)
        region.save()
        region.counties.set([counties[n] for n in numbers if n in counties])
        region.save()


PAST_TITLE = "{course}, {place} (avsluttet)"


def seed_finished_training(rng, today=None):
    """One finished basic course per grant recipient, months ago, that about two in three of
    its job specialists, therapists and supervisors completed."""
    today = today or timezone.localdate()
    courses = _courses()
    region_of = {number: slug for slug, numbers in REGIONS.items() for number in numbers}
    added = 0
    for grant in Grant.objects.select_related("organisation__municipality", "organisation__county"):
        organisation = grant.organisation
        county = organisation.county.number if organisation.county_id else ""
        basic = courses.get(f"{region_of.get(county, 'nord')}/grunnkurs-i-ips")
        if basic is None or organisation.municipality_id is None:
            continue
        title = PAST_TITLE.format(course=basic.title, place=organisation.municipality.name)
        if CourseRun.objects.filter(title=title).exists():
            continue
        first = today - timedelta(days=rng.randint(60, 500))
        run = CourseRun(
            course=basic,
            title=title,
            status=RunStatus.PUBLISHED,
            format=CourseFormat.IN_PERSON,
            venue_name=organisation.name,
            venue_address=organisation.municipality.name,
            municipality=organisation.municipality,
            capacity=30,
            registration_opens_at=timezone.now() - timedelta(days=600),
            registration_closes_at=timezone.make_aware(
                timezone.datetime.combine(first - timedelta(days=7), time(23, 59))
            ),
            register_closed_at=timezone.now() - timedelta(days=30),
        )
        run.sessions = [
            CourseSession(date=first + timedelta(days=i), start_time=time(9), end_time=time(15))
            for i in range(3)
        ]
        run.save()
        signed_up = timezone.make_aware(
            timezone.datetime.combine(first - timedelta(days=30), time(12))
        )
        finished = timezone.make_aware(
            timezone.datetime.combine(first + timedelta(days=3), time(12))
        )
        members = Membership.objects.current().filter(
            organisation=organisation, user__profession__in=[JS, TH, SU]
        )
        # bulk_create: demo history, not a completion happening now (no certificate task).
        registrations = Registration.objects.bulk_create(
            Registration(
                run=run,
                user=membership.user,
                status=RegistrationStatus.CONFIRMED,
                profession=membership.user.profession,
                employer=organisation,
                confirmed_at=signed_up,
                completed_at=finished,
            )
            for membership in members.select_related("user").order_by("user__email")
            if rng.random() < 0.66
        )
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            created_at=signed_up
        )
        added += len(registrations)
    return added


def seed(today=None):
    """Packages, regions and the national group's permissions (called by ``seed_demo``)."""
    seed_packages(today)
    seed_regions()
    ensure_package_editors()


def seed_history(today=None):
    """Finished basic courses for the demo recipients (``seed_training_history``); kept out
    of ``seed_demo`` so that the demo's run counts stay as documented."""
    return seed_finished_training(random.Random(18), today)
