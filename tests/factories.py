"""Factories for users, providers, course pages and runs.

Pages are added to the real Wagtail tree (``add_child``) so paths, URLs and permissions behave
as in production; runs get their sessions through the ParentalKey, as the admin form saves them.
"""

import itertools
from datetime import time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from cms.models import ResourceCentrePage
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, RunStatus
from geo.models import Municipality
from organisations.models import MembershipRole, Organisation
from organisations.services.memberships import set_employer
from people.models import ProfessionOption, User

PASSWORD = "correct horse battery staple"
_slugs = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    first_name = "Kari"
    last_name = "Nordmann"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Every factory user has a verified primary email address (allauth)."""
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(*extracted)


def make_provider(home, title, slug, **fields):
    return home.add_child(instance=ResourceCentrePage(title=title, slug=slug, **fields))


def make_course(provider, title, slug=None, *, audience=(), live=True, summary=None, **fields):
    page = CoursePage(
        title=title,
        slug=slug or f"kurs-{next(_slugs)}",
        summary=summary or f"Om kurset {title}.",
        live=live,
        **fields,
    )
    page = provider.add_child(instance=page)
    if audience:
        page.audience.set(ProfessionOption.objects.filter(code__in=audience))
    if live:
        page.save_revision().publish()
    else:
        page.save()
        page.save_revision()
    return CoursePage.objects.get(pk=page.pk)


def municipality(number):
    return Municipality.objects.valid_on().select_related("county").get(number=number)


def build_run(course, days_ahead=30, *, dates=None, status=RunStatus.PUBLISHED, **fields):
    """An unsaved run with sessions (09:00–15:30 Oslo time), ready for ``save()``."""
    fields.setdefault("format", CourseFormat.IN_PERSON)
    fields.setdefault("capacity", 24)
    if fields["format"] != CourseFormat.DIGITAL:
        fields.setdefault("venue_name", "Scandic Bergen City")
        fields.setdefault("municipality", municipality("4601"))
    if dates is None:
        dates = [timezone.localdate() + timedelta(days=days_ahead)]
    start = fields.pop("start_time", time(9, 0))
    end = fields.pop("end_time", time(15, 30))
    run = CourseRun(course=course, status=status, **fields)
    run.sessions = [CourseSession(date=d, start_time=start, end_time=end) for d in dates]
    return run


def make_run(course, days_ahead=30, **kwargs):
    run = build_run(course, days_ahead, **kwargs)
    run.full_clean(exclude=["course"])
    run.save()
    return run


def bulk_runs(course, count, *, start_days=10):
    """Many published runs with one session each, in a fixed number of queries."""
    today = timezone.localdate()
    place = municipality("4601")
    runs = CourseRun.objects.bulk_create(
        CourseRun(
            course=course,
            status=RunStatus.PUBLISHED,
            format=CourseFormat.IN_PERSON,
            venue_name="Bergen",
            municipality=place,
            capacity=20,
        )
        for _ in range(count)
    )
    CourseSession.objects.bulk_create(
        CourseSession(run=run, date=today + timedelta(days=start_days + i % 150))
        for i, run in enumerate(runs)
    )
    return runs


_people = itertools.count(1)


def make_person(
    org=None,
    *,
    role=None,
    profession="job_specialist",
    first_name="Kari",
    last_name=None,
    email=None,
    language="nb",
):
    """A person with a verified address and a profession; a current member of ``org`` (with
    ``role``, member by default) when given."""
    n = next(_people)
    user = UserFactory(
        email=email or f"person-{n}@example.no",
        first_name=first_name,
        last_name=last_name or f"Nordmann{n}",
        profession=profession,
        preferred_language=language,
    )
    if org is not None:
        set_employer(user, org, role=role or MembershipRole.MEMBER)
    return user


def make_participant(employer=None, **fields):
    """A person with a complete profile: name, profession and a current employer (a new
    organisation unless given)."""
    if employer is None:
        employer = Organisation.objects.create(name=f"Arbeidsgiver {next(_people)}")
    return make_person(employer, **fields)
