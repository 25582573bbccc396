"""Realistic demo data: providers, course modules, runs across Norway, editors and an admin.

Idempotent: pages are found by slug, users by email, groups by name; runs are created for a
course only while it has none, so a second ``seed_demo`` changes nothing. ``extra_runs`` adds
that many synthetic runs on every call (for scale tests).
"""

import itertools
import random
import secrets
from datetime import time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale

from cms.groups import ensure_editors_group, ensure_national_group
from cms.models import ResourceCentrePage
from cms.setup import ensure_standard_pages
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, RunStatus
from courses.setup import ensure_site
from geo.models import Municipality
from organisations.models import (
    Grant,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Programme,
)
from organisations.validators import org_number_check_digit
from people.models import ProfessionOption
from people.professions import Profession

from . import demo_training as training_demo

DEMO_PASSWORD = "ipskurs-demo"
ADMIN_EMAIL = "admin@ipskurs.no"

PROVIDERS = [
    {
        "slug": "nord",
        "title": "IPS ressurssenter Nord",
        "short_name": "Nord",
        "email": "ips.nord@nav.no",
        "intro": "Ressurssenteret i Nord-Norge holder kurs i Bodø og Tromsø og digitalt.",
    },
    {
        "slug": "midt",
        "title": "IPS ressurssenter Midt",
        "short_name": "Midt",
        "email": "ips.midt@example.no",
        "intro": "Ressurssenteret for Trøndelag og Møre og Romsdal.",
    },
    {
        "slug": "vest",
        "title": "IPS ressurssenter Vest",
        "short_name": "Vest",
        "email": "ips.vest@example.no",
        "intro": "Ressurssenteret for Vestland, Rogaland og Agder.",
    },
    {
        "slug": "ostfold",
        "title": "IPS ressurssenter Østfold",
        "short_name": "Østfold",
        "email": "ips.ostfold@example.no",
        "intro": "Ressurssenteret for Østlandet, med kurs i Fredrikstad og Oslo.",
    },
    {
        "slug": "napha",
        "title": "NAPHA – Nasjonal kompetansetjeneste for psykisk helsearbeid",
        "short_name": "NAPHA",
        "email": "post@napha.no",
        "intro": "NAPHA er med på å utvikle opplæringspakken og følger med på hvem som får "
        "opplæring i IPS, etter yrke.",
        "is_national": True,
    },
]

ALL_IPS = ["job_specialist", "therapist", "supervisor", "leader", "nav_adviser"]

# (provider slug, slug, title, summary, audience, hours, format, prerequisite slugs)
COURSES = [
    (
        "nord",
        "grunnkurs-i-ips",
        "Grunnkurs i IPS",
        "Tre dager om prinsippene i individuell jobbstøtte, for jobbspesialister og behandlere "
        "som skal jobbe sammen i et IPS-team.",
        ["job_specialist", "therapist", "supervisor"],
        18,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "nord",
        "ips-for-behandlere",
        "IPS for behandlere og behandlingsteam",
        "Hvorfor arbeid er en del av behandlingen, og hvordan behandlere og jobbspesialister "
        "samarbeider tett.",
        ["therapist"],
        6,
        CourseFormat.DIGITAL,
        [],
    ),
    (
        "nord",
        "metodeveiledning",
        "Metodeveiledning i IPS",
        "For metodeveiledere: veiledning av jobbspesialister, feltmentorering og bruk av "
        "fidelityskalaen i praksis.",
        ["supervisor"],
        12,
        CourseFormat.IN_PERSON,
        ["nord/grunnkurs-i-ips"],
    ),
    (
        "midt",
        "grunnkurs-i-ips",
        "Grunnkurs i IPS – Midt",
        "Grunnkurset i IPS for nye team i Trøndelag og Møre og Romsdal.",
        ["job_specialist", "therapist", "supervisor"],
        18,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "midt",
        "ips-for-ledere",
        "IPS for ledere",
        "Hva ledere i NAV og helsetjenesten må legge til rette for at IPS skal virke.",
        ["leader", "nav_adviser"],
        6,
        CourseFormat.HYBRID,
        [],
    ),
    (
        "vest",
        "grunnkurs-i-ips",
        "Grunnkurs i IPS – Vest",
        "Grunnkurset i IPS, med praktiske øvelser i jobbutvikling og samarbeid med behandlere.",
        ["job_specialist", "therapist", "supervisor"],
        18,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "vest",
        "ips-ung",
        "IPS ung",
        "Individuell jobbstøtte for unge mellom 16 og 30 år: utdanning og arbeid, "
        "fidelityskalaen for IPS ung.",
        ["job_specialist", "therapist", "supervisor", "peer_worker"],
        12,
        CourseFormat.IN_PERSON,
        ["vest/grunnkurs-i-ips"],
    ),
    (
        "vest",
        "fidelitygjennomgang",
        "Opplæring i fidelitygjennomgang",
        "Slik gjennomføres en fidelitygjennomgang med de 25 punktene på IPS-skalaen.",
        ["supervisor", "leader"],
        12,
        CourseFormat.IN_PERSON,
        ["vest/grunnkurs-i-ips"],
    ),
    (
        "ostfold",
        "grunnkurs-i-ips",
        "Grunnkurs i IPS – Øst",
        "Grunnkurset i IPS for team på Østlandet.",
        ["job_specialist", "therapist", "supervisor"],
        18,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "ostfold",
        "jmo",
        "JMO – jobbmestrende oppfølging",
        "Jobbmestrende oppfølging for tjenester innen psykisk helse og rus.",
        ["job_specialist", "therapist", "nav_adviser"],
        12,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "ostfold",
        "nettverkssamling",
        "Nettverkssamling for IPS-team",
        "Erfaringsdeling mellom IPS-team, med faglig påfyll.",
        ALL_IPS + ["peer_worker"],
        6,
        CourseFormat.IN_PERSON,
        [],
    ),
    (
        "napha",
        "webinar-arbeid-som-behandling",
        "Webinar: Arbeid som en del av behandlingen",
        "NAPHAs webinar for behandlere om hvorfor arbeid er et behandlingsmål i IPS.",
        ["therapist", "leader"],
        2,
        CourseFormat.DIGITAL,
        [],
    ),
]

# (municipality number, venue, address)
VENUES = {
    "nord": [
        ("5501", "Scandic Ishavshotel", "Fredrik Langes gate 2, 9008 Tromsø"),
        ("1804", "Thon Hotel Nordlys", "Moloveien 14, 8003 Bodø"),
    ],
    "midt": [
        ("5001", "Clarion Hotel Trondheim", "Brattørkaia 1, 7010 Trondheim"),
        ("1508", "Quality Hotel Ålesund", "Kongens gate 27, 6002 Ålesund"),
    ],
    "vest": [
        ("4601", "Scandic Bergen City", "Håkonsgaten 2, 5015 Bergen"),
        ("1103", "Clarion Hotel Stavanger", "Ny Olavskleiv 8, 4008 Stavanger"),
        ("4204", "Scandic Kristiansand Bystranda", "Østre Strandgate 76, 4610 Kristiansand"),
    ],
    "ostfold": [
        ("3107", "Quality Hotel Fredrikstad", "Nygaardsgata 44, 1607 Fredrikstad"),
        ("0301", "Thon Conference Oslo", "Universitetsgata 26, 0162 Oslo"),
    ],
    "napha": [("5001", "NAPHA, Trondheim", "Mellomila 79, 7018 Trondheim")],
}

# {email: password} of the accounts created while seed(random_passwords=True) runs; None
# otherwise (every demo account gets DEMO_PASSWORD).
_random_passwords = None


def _user(email, first_name, last_name, *, superuser=False, groups=(), profession=""):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name, profession=profession)
        password = DEMO_PASSWORD
        if _random_passwords is not None:
            password = secrets.token_urlsafe(12)
            _random_passwords[email] = password
        user.set_password(password)
        user.is_staff = superuser
        user.is_superuser = superuser
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    user.groups.add(*groups)
    return user


ENGLISH_CATALOGUE_INTRO = (
    "<p>Upcoming courses from all the IPS resource centres and NAPHA. Course descriptions "
    "without an English version are shown in Norwegian.</p>"
)
ENGLISH_BASIC_COURSE = {
    "title": "Basic course in IPS",
    "summary": "Three days on the principles of Individual Placement and Support, for job "
    "specialists and therapists who are to work together in an IPS team.",
    "learning_outcomes": "<ul><li>Know the eight principles of IPS</li>"
    "<li>Work together on employment as a goal of treatment</li></ul>",
}


def _english_versions(pages):
    """English versions of a few pages, made as an editor's *Translate* makes them and then
    published, so /en/ shows both cases: English where a page is translated, the Norwegian
    text marked lang="nb" elsewhere. ``pages`` are (page, fields) with parents first; a page
    already translated is left as it is."""
    english = Locale.objects.get(language_code="en")
    for page, fields in pages:
        if page.get_translation_or_none(english) is not None:
            continue
        copy = CopyPageForTranslationAction(page=page, locale=english).execute(
            skip_permission_checks=True
        )
        copy = copy.specific
        for name, value in fields.items():
            setattr(copy, name, value)
        copy.save_revision().publish()


def _add_child(parent, instance):
    existing = parent.get_children().filter(slug=instance.slug).first()
    if existing:
        return existing.specific
    return parent.add_child(instance=instance)


def _run_dates(rng, earliest, days):
    """Start on a weekday between ``earliest`` and six months on; ``days`` consecutive days."""
    start = earliest + timedelta(days=rng.randint(0, 175))
    while start.weekday() > 2:  # start Monday to Wednesday so multi-day runs fit the week
        start += timedelta(days=1)
    return [start + timedelta(days=i) for i in range(days)]


def _create_run(course, provider_slug, rng, today, *, synthetic=False):
    hours = float(course.duration_hours or 6)
    days = 1 if hours <= 6 else (2 if hours <= 12 else 3)
    dates = _run_dates(rng, today + timedelta(days=10), days)
    fmt = course.format
    if fmt == CourseFormat.IN_PERSON and rng.random() < 0.15:
        fmt = CourseFormat.DIGITAL
    run = CourseRun(
        course=course,
        status=RunStatus.PUBLISHED,
        format=fmt,
        capacity=rng.choice([20, 24, 25, 30, 35, 40]),
        registration_opens_at=timezone.now() - timedelta(days=7),
        registration_closes_at=timezone.make_aware(
            timezone.datetime.combine(dates[0] - timedelta(days=7), time(23, 59))
        ),
    )
    if fmt == CourseFormat.DIGITAL:
        run.title = f"{course.title} (digitalt{', demo' if synthetic else ''})"
        run.meeting_url = "https://meet.example.no/ips-" + str(rng.randint(10000, 99999))
    else:
        number, venue, address = rng.choice(VENUES[provider_slug])
        run.municipality = Municipality.objects.valid_on().get(number=number)
        run.venue_name, run.venue_address = venue, address
        run.title = f"{course.title}, {run.municipality.name} {dates[0]:%m.%Y}"
        if fmt == CourseFormat.HYBRID:
            run.meeting_url = "https://meet.example.no/ips-" + str(rng.randint(10000, 99999))
    sessions = [
        CourseSession(date=d, start_time=time(9, 0), end_time=time(15, 30 if hours >= 6 else 11))
        for d in dates
    ]
    if hours <= 2:
        sessions = [CourseSession(date=dates[0], start_time=time(13, 0), end_time=time(15, 0))]
    run.sessions = sessions
    run.save()
    return run


def seed(extra_runs=0, stdout=None, *, random_passwords=False):
    """Create the demo site (idempotent). With ``random_passwords`` (production), each account
    created gets its own random password instead of the published DEMO_PASSWORD; they are
    returned once as ``result["passwords"]`` ({email: password}) and stored nowhere else."""
    global _random_passwords
    _random_passwords = {} if random_passwords else None
    try:
        result = _seed(extra_runs, stdout)
        result["passwords"] = dict(_random_passwords or {})
    finally:
        _random_passwords = None
    return result


@transaction.atomic
def _seed(extra_runs=0, stdout=None):
    rng = random.Random(2026)
    today = timezone.localdate()
    home, catalog = ensure_site()
    national = ensure_national_group(home)
    _user(ADMIN_EMAIL, "Ada", "Admin", superuser=True)

    providers = {}
    for spec in PROVIDERS:
        provider = _add_child(
            home,
            ResourceCentrePage(
                title=spec["title"],
                slug=spec["slug"],
                short_name=spec["short_name"],
                email=spec["email"],
                intro=f"<p>{spec['intro']}</p>",
                is_national=spec.get("is_national", False),
            ),
        )
        providers[spec["slug"]] = provider
        group = ensure_editors_group(provider)
        extra = [national] if spec.get("is_national") else []
        _user(
            f"redaktor.{spec['slug']}@ipskurs.no",
            "Redaktør",
            spec["short_name"],
            groups=[group, *extra],
        )

    ensure_standard_pages(home)

    courses = {}
    for provider_slug, slug, title, summary, audience, hours, fmt, prereqs in COURSES:
        course = _add_child(
            providers[provider_slug],
            CoursePage(
                title=title,
                slug=slug,
                summary=summary,
                duration_hours=hours,
                format=fmt,
                learning_outcomes="<ul><li>Kjenne de åtte prinsippene i IPS</li>"
                "<li>Samarbeide om arbeid som mål i behandlingen</li></ul>",
                contact_email=providers[provider_slug].email,
            ),
        )
        if slug == "grunnkurs-i-ips" and not course.is_basic_course:
            course.is_basic_course = True
            course.save(update_fields=["is_basic_course"])
        if not course.audience.exists():
            course.audience.set(ProfessionOption.objects.filter(code__in=audience))
            course.prerequisites.set([courses[key][0] for key in prereqs if key in courses])
            course.save_revision().publish()
        courses[f"{provider_slug}/{slug}"] = (course, provider_slug)

    created = 0
    runs_per_course = itertools.cycle([3, 2, 2, 3, 1, 2, 3, 2, 2, 2, 2, 1])
    for (course, provider_slug), count in zip(courses.values(), runs_per_course, strict=False):
        if course.runs.exists():
            continue
        for _ in range(count):
            _create_run(course, provider_slug, rng, today)
            created += 1

    _english_versions(
        [
            (home, {"title": "IPS courses", "seo_title": "IPS courses – training in IPS"}),
            (catalog, {"title": "Course catalogue", "intro": ENGLISH_CATALOGUE_INTRO}),
            (providers["nord"], {"title": "IPS resource centre North"}),
            (courses["nord/grunnkurs-i-ips"][0], ENGLISH_BASIC_COURSE),
        ]
    )
    seed_people(providers, random.Random(47))
    training_demo.seed(today)

    course_list = list(courses.values())
    synthetic_rng = random.Random()
    for i in range(extra_runs):
        course, provider_slug = course_list[i % len(course_list)]
        _create_run(course, provider_slug, synthetic_rng, today, synthetic=True)
    return {"runs_created": created + extra_runs, "runs_total": CourseRun.objects.count()}


# (name, kind, municipality number, programme, start year)
GRANT_RECIPIENTS = [
    ("NAV Tromsø", OrganisationKind.NAV_OFFICE, "5501", Programme.IPS, 2024),
    (
        "Bodø kommune, psykisk helse og rus",
        OrganisationKind.MUNICIPAL_SERVICE,
        "1804",
        Programme.IPS,
        2025,
    ),
    ("Nordlandssykehuset HF", OrganisationKind.HEALTH_TRUST, "1804", Programme.IPS, 2023),
    ("Trondheim kommune", OrganisationKind.GRANT_RECIPIENT, "5001", Programme.IPS, 2024),
    ("St. Olavs hospital HF", OrganisationKind.HEALTH_TRUST, "5001", Programme.IPS_YOUNG, 2025),
    ("NAV Ålesund", OrganisationKind.NAV_OFFICE, "1508", Programme.JMO, 2024),
    ("Bergen kommune", OrganisationKind.GRANT_RECIPIENT, "4601", Programme.IPS_YOUNG, 2024),
    ("Helse Stavanger HF", OrganisationKind.HEALTH_TRUST, "1103", Programme.IPS, 2023),
    ("Kristiansand kommune", OrganisationKind.MUNICIPAL_SERVICE, "4204", Programme.JMO, 2025),
    ("Fredrikstad kommune", OrganisationKind.GRANT_RECIPIENT, "3107", Programme.IPS, 2024),
    ("NAV Grünerløkka", OrganisationKind.NAV_OFFICE, "0301", Programme.IPS, 2025),
    ("Oslo universitetssykehus HF", OrganisationKind.HEALTH_TRUST, "0301", Programme.IPS, 2023),
]

FIRST_NAMES = [
    "Ingrid",
    "Ole",
    "Kari",
    "Lars",
    "Sigrid",
    "Jonas",
    "Marte",
    "Emil",
    "Nora",
    "Henrik",
    "Aisha",
    "Mohammed",
    "Silje",
    "Anders",
    "Hanne",
    "Tor",
    "Maja",
    "Eirik",
    "Linnea",
    "Jakob",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Eriksen",
    "Bakke",
    "Solberg",
    "Strand",
    "Moe",
    "Lie",
    "Dahl",
]
# Professions weighted as today: more job specialists than therapists.
PROFESSION_MIX = (
    [Profession.JOB_SPECIALIST] * 5
    + [Profession.THERAPIST] * 3
    + [Profession.SUPERVISOR] * 1
    + [Profession.LEADER] * 1
    + [Profession.NAV_ADVISER] * 1
    + [Profession.PEER_WORKER] * 1
)


def _org_number(rng):
    """A valid (mod-11) organisation number, random but reproducible from the seed."""
    while True:
        first = str(rng.randint(9, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
        digit = org_number_check_digit(first)
        if digit is not None:
            return first + str(digit)


def _organisation(name, kind, municipality_number, rng, **extra):
    municipality = Municipality.objects.valid_on().get(number=municipality_number)
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        org = Organisation.objects.create(
            name=name,
            kind=kind,
            org_number=_org_number(rng),
            municipality=municipality,
            county=municipality.county,
            **extra,
        )
    return org


def _member(user, org, role=MembershipRole.MEMBER):
    if not Membership.objects.current().filter(user=user).exists():
        Membership.objects.create(user=user, organisation=org, role=role)


def seed_people(providers, rng, participants=60):
    """Grant recipients with coordinators and participants; resource-centre staff."""

    reporting, _ = Group.objects.get_or_create(name="NAPHA – nasjonal rapportering")
    reporting.permissions.add(
        Permission.objects.get(codename="view_national_reports"),
        Permission.objects.get(codename="access_admin"),
    )
    for slug, provider in providers.items():
        kind = (
            OrganisationKind.NATIONAL_BODY
            if provider.is_national
            else OrganisationKind.RESOURCE_CENTRE
        )
        number = VENUES[slug][0][0]
        org = _organisation(provider.title, kind, number, rng, provider_page=provider)
        editor = get_user_model().objects.get(email=f"redaktor.{slug}@ipskurs.no")
        _member(editor, org, MembershipRole.STAFF)
        if provider.is_national:
            editor.groups.add(reporting)

    orgs = []
    for name, kind, number, programme, start in GRANT_RECIPIENTS:
        org = _organisation(name, kind, number, rng)
        Grant.objects.get_or_create(
            organisation=org,
            programme=programme,
            start_year=start,
            defaults={"end_year": start + 2},
        )
        orgs.append(org)

    for index, org in enumerate(orgs):
        coordinator = _user(
            f"koordinator{index + 1}@ipskurs.no",
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            profession=Profession.LEADER if index % 2 else Profession.SUPERVISOR,
        )
        _member(coordinator, org, MembershipRole.COORDINATOR)

    for index in range(participants):
        user = _user(
            f"deltaker{index + 1}@ipskurs.no",
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            profession=PROFESSION_MIX[index % len(PROFESSION_MIX)],
        )
        _member(user, orgs[index % len(orgs)])


DEMO_LOGINS = [
    (ADMIN_EMAIL, "administrator (everything)"),
    ("redaktor.nord@ipskurs.no", "editor, IPS ressurssenter Nord"),
    ("redaktor.midt@ipskurs.no", "editor, IPS ressurssenter Midt"),
    ("redaktor.vest@ipskurs.no", "editor, IPS ressurssenter Vest"),
    ("redaktor.ostfold@ipskurs.no", "editor, IPS ressurssenter Østfold"),
    ("redaktor.napha@ipskurs.no", "NAPHA editor with national access"),
    ("koordinator1@ipskurs.no", "coordinator, NAV Tromsø"),
    ("deltaker1@ipskurs.no", "participant (job specialist, NAV Tromsø)"),
]
