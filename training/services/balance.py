"""Profession balance when a coordinator enrols a team: the run's therapist share against
NAPHA's target, and the organisation's therapists who could join.

Invariants:
- the therapist share is therapists / (therapists + job specialists) among the people holding
  a seat on the run (confirmed, or an unexpired offer), the measure the reports use;
- "after" adds the team members the preview gives a seat (or holds one for);
- it is shown when the team has a job specialist and the course is open to therapists (its
  audience names therapists, or names nobody);
- suggested colleagues are the organisation's current members who are therapists, are not in
  the team, and have neither completed nor an active registration for this course module or for
  a module that a package step accepts in its place ("one of");
- a fixed number of queries, whatever the size of the team or the organisation.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from enrollment.models import ACTIVE_STATUSES, Registration
from enrollment.services.availability import holding_q
from organisations.models import Membership
from people.professions import Profession

from ..models import PackageStep

THERAPIST = Profession.THERAPIST
JOB_SPECIALIST = Profession.JOB_SPECIALIST
SEATED = ("confirmed", "held")


def share(therapists, job_specialists):
    total = therapists + job_specialists
    return round(100 * therapists / total) if total else None


@dataclass
class Balance:
    target: int
    therapists: int = 0
    job_specialists: int = 0
    team_therapists: int = 0
    team_job_specialists: int = 0
    suggestions: list = field(default_factory=list)

    @property
    def share(self):
        return share(self.therapists, self.job_specialists)

    @property
    def after_therapists(self):
        return self.therapists + self.team_therapists

    @property
    def after_job_specialists(self):
        return self.job_specialists + self.team_job_specialists

    @property
    def share_after(self):
        return share(self.after_therapists, self.after_job_specialists)

    @property
    def below_target(self):
        return self.share_after is not None and self.share_after < self.target


def equivalent_courses(course_id):
    """The course and every module a package step accepts in its place (one query)."""
    others = PackageStep.courses.through.objects.filter(packagestep__courses=course_id).values_list(
        "coursepage_id", flat=True
    )
    return {course_id, *others}


def balance(run, organisation, entries, *, target, now=None):
    """The balance panel for a team preview, or None when it does not apply."""
    now = now or timezone.now()
    team = [e for e in entries if e.ok]
    if not any(e.profession == JOB_SPECIALIST for e in team):
        return None
    audience = set(run.course.audience.values_list("code", flat=True))
    if audience and THERAPIST not in audience:
        return None
    result = Balance(target=target)
    counts = dict(
        Registration.objects.filter(run=run)
        .filter(holding_q(now), profession__in=[THERAPIST, JOB_SPECIALIST])
        .order_by()
        .values("profession")
        .annotate(n=Count("pk"))
        .values_list("profession", "n")
    )
    result.therapists = counts.get(THERAPIST, 0)
    result.job_specialists = counts.get(JOB_SPECIALIST, 0)
    seated = [e for e in team if e.outcome in SEATED]
    result.team_therapists = sum(1 for e in seated if e.profession == THERAPIST)
    result.team_job_specialists = sum(1 for e in seated if e.profession == JOB_SPECIALIST)
    in_team = {e.user.pk for e in entries if e.user is not None}
    courses = equivalent_courses(run.course_id)
    covered = Registration.objects.filter(run__course_id__in=courses).filter(
        Q(completed_at__isnull=False) | Q(status__in=ACTIVE_STATUSES)
    )
    result.suggestions = [
        m.user
        for m in Membership.objects.current()
        .filter(organisation=organisation, user__profession=THERAPIST)
        .exclude(user_id__in=in_team)
        .exclude(user_id__in=covered.values("user_id"))
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ]
    return result
