"""The site the browser tests walk: the demo data (seed_demo) plus one person in each role
with something to see: a participant with a registration on an upcoming run and a past run,
a person holding a waitlist offer, a coordinator, an organiser with a run to take the
attendance register for, and NAPHA's national reporting."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.localisation import originals
from courses.models import CoursePage, CourseRun
from devtools import demo
from enrollment.services.registration import register
from enrollment.services.waitlist import offer_token
from geo.loader import load_municipalities
from geo.models import County, Municipality
from organisations.models import Membership, MembershipRole
from tests.factories import make_run


@dataclass
class World:
    participant: object
    waitlisted: object
    coordinator: object
    organiser: object
    napha: object
    organisation: object
    course: object
    advanced_course: object
    run: object
    past_run: object
    session: object
    registration: object
    offer_run: object
    offer_path: str


def build():
    # Another live-server test on this process may have emptied the database (its flush), and
    # the reference data its migrations loaded went with it.
    if not Municipality.objects.exists():
        load_municipalities(County, Municipality)
    demo.seed()
    users = get_user_model().objects
    participant = users.get(email="deltaker1@ipskurs.no")
    waitlisted = users.get(email="deltaker2@ipskurs.no")
    # The Norwegian originals (the demo also has an English version of the basic course).
    nord = originals(CoursePage.objects.filter(url_path__contains="/nord/"))
    course = nord.get(slug="grunnkurs-i-ips")
    advanced = nord.get(slug="metodeveiledning")
    run = CourseRun.objects.filter(course=course).order_by("pk").first()
    registration = register(run, participant, notify=False)
    offer_run = CourseRun.objects.filter(course=course).order_by("pk").last()
    offered = register(offer_run, waitlisted, hold=True, notify=False)
    today = timezone.localdate()
    past_run = make_run(course, dates=[today - timedelta(days=1), today])
    register(past_run, participant, organiser=True, notify=False)
    register(past_run, waitlisted, organiser=True, notify=False)
    coordinator = users.get(email="koordinator1@ipskurs.no")
    organisation = (
        Membership.objects.current()
        .get(user=coordinator, role=MembershipRole.COORDINATOR)
        .organisation
    )
    return World(
        participant=participant,
        waitlisted=waitlisted,
        coordinator=coordinator,
        organiser=users.get(email="redaktor.nord@ipskurs.no"),
        napha=users.get(email="redaktor.napha@ipskurs.no"),
        organisation=organisation,
        course=course,
        advanced_course=advanced,
        run=run,
        past_run=past_run,
        session=past_run.ordered_sessions()[-1],
        registration=registration,
        offer_run=offer_run,
        offer_path=f"/tilbud/{offer_token(offered)}/",
    )
