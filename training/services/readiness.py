"""Grant readiness: how far a grant recipient's staff have come in the training package their
programme requires, and the same aggregated for resource centres and NAPHA.

Invariants:
- an organisation's staff are its current members; each is judged by their current profession
  against the package of the organisation's programme, with ``progress`` (done, booked,
  waiting, missing per step, in the version that applies to them);
- a gap is a (profession, required step) with colleagues who have neither done nor booked the
  step; steps of different versions are the same step when they have the same title, and a gap
  lists the course modules of all of them;
- the grant year counts calendar years from the grant's start year ("year 2 of 3"); a grant
  without an end year runs three years;
- who sees what (``readiness_scope``): a coordinator only the organisations they coordinate
  (checked by the views); resource-centre staff the grant recipients whose county is in their
  centre's region (``ResourceCentreRegion``); holders of ``view_national_reports`` (NAPHA)
  everyone;
- aggregates count people, never name them, and every count from 1 to 4 is shown as "<5";
- the cost is a fixed number of queries, whether an organisation has 5 staff or 500, and
  whether the country has 10 grant recipients or 1000.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from geo.models import County
from organisations.access import NATIONAL_PERMISSION
from organisations.models import (
    Grant,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Programme,
)
from people.professions import Profession
from reports.services import SUPPRESS_BELOW, suppress

from ..models import ResourceCentreRegion
from .packages import load_packages
from .progress import BOOKED, progress, registrations_by_user

GRANT_YEARS = 3  # a grant runs three years unless its end year says otherwise

# (one, several) in the sentences about gaps ("2 of 5 job specialists lack ...").
PEOPLE = {
    Profession.JOB_SPECIALIST: (
        pgettext_lazy("in a sentence", "job specialist"),
        pgettext_lazy("in a sentence", "job specialists"),
    ),
    Profession.THERAPIST: (
        pgettext_lazy("in a sentence", "therapist"),
        pgettext_lazy("in a sentence", "therapists"),
    ),
    Profession.SUPERVISOR: (
        pgettext_lazy("in a sentence", "IPS supervisor"),
        pgettext_lazy("in a sentence", "IPS supervisors"),
    ),
    Profession.LEADER: (
        pgettext_lazy("in a sentence", "leader"),
        pgettext_lazy("in a sentence", "leaders"),
    ),
    Profession.NAV_ADVISER: (
        pgettext_lazy("in a sentence", "NAV adviser"),
        pgettext_lazy("in a sentence", "NAV advisers"),
    ),
    Profession.PEER_WORKER: (
        pgettext_lazy("in a sentence", "peer worker"),
        pgettext_lazy("in a sentence", "peer workers"),
    ),
    Profession.OTHER: (
        pgettext_lazy("in a sentence", "colleague in another profession"),
        pgettext_lazy("in a sentence", "colleagues in other professions"),
    ),
    "": (
        pgettext_lazy("in a sentence", "colleague without a profession"),
        pgettext_lazy("in a sentence", "colleagues without a profession"),
    ),
}
PROFESSION_ORDER = {code: index for index, code in enumerate(Profession.values)}


def profession_label(code):
    return str(Profession(code).label) if code in Profession.values else _("Profession not given")


# --- grant year --------------------------------------------------------------------------------


@dataclass
class GrantYear:
    grant: Grant
    year: int
    length: int

    @property
    def before(self):
        return self.year < 1

    @property
    def after(self):
        return self.year > self.length

    def __str__(self):
        if self.before:
            return _("starts in %(year)d") % {"year": self.grant.start_year}
        if self.after:
            return _("ended in %(year)d") % {"year": self.grant.start_year + self.length - 1}
        return _("year %(n)d of %(of)d") % {"n": self.year, "of": self.length}


def grant_year(grant, today=None):
    today = today or timezone.localdate()
    length = (grant.end_year - grant.start_year + 1) if grant.end_year else GRANT_YEARS
    return GrantYear(grant=grant, year=today.year - grant.start_year + 1, length=length)


def _is_current(grant, year):
    last = grant.end_year or grant.start_year + GRANT_YEARS - 1
    return grant.start_year <= year <= last


def grants_by_programme(organisation, today=None):
    """{programme: the grant that counts}: the current grant, or else the latest."""
    year = (today or timezone.localdate()).year
    chosen = {}
    for grant in sorted(organisation.grants.all(), key=lambda g: -g.start_year):
        best = chosen.get(grant.programme)
        if best is None or (_is_current(grant, year) and not _is_current(best, year)):
            chosen[grant.programme] = grant
    return chosen


# --- one organisation --------------------------------------------------------------------------


@dataclass
class Colleague:
    user: object
    profession: str
    progress: object  # PackageProgress, or None when no version is in force

    def cell(self, title):
        return self.progress.by_title().get(title) if self.progress else None


@dataclass
class Gap:
    profession: str
    title: str
    step_pk: int  # the step of the current version (or of the newest version that has it)
    course_ids: frozenset
    lacking: list  # users
    booked: int
    total: int

    @property
    def label(self):
        return profession_label(self.profession)


@dataclass
class Group:
    profession: str
    colleagues: list
    columns: list  # step titles
    required_titles: set

    @property
    def label(self):
        return profession_label(self.profession)

    @property
    def rows(self):
        return [(c, [c.cell(title) for title in self.columns]) for c in self.colleagues]

    @property
    def trained(self):
        return sum(
            1 for c in self.colleagues if c.progress and any(s.done for s in c.progress.required)
        )

    @property
    def complete(self):
        return sum(1 for c in self.colleagues if c.progress and c.progress.complete)


@dataclass
class Readiness:
    organisation: Organisation
    programme: str
    package: object  # Package or None
    grant: Grant | None
    grant_year: GrantYear | None
    groups: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    missing_professions: list = field(default_factory=list)  # required, nobody employed
    today: object = None

    @property
    def programme_label(self):
        return Programme(self.programme).label

    @property
    def version(self):
        return self.package.current(self.today) if self.package else None

    @property
    def missing_profession_labels(self):
        return [profession_label(p) for p in self.missing_professions]

    @property
    def colleagues(self):
        return [c for g in self.groups for c in g.colleagues]

    @property
    def people(self):
        return sum(1 for c in self.colleagues if c.progress and c.progress.has_requirements)

    @property
    def complete(self):
        return sum(g.complete for g in self.groups)

    @property
    def columns(self):
        seen = []
        for group in self.groups:
            seen += [t for t in group.columns if t not in seen]
        return seen

    def gap(self, profession, step_pk):
        for gap in self.gaps:
            if gap.profession == profession and gap.step_pk == step_pk:
                return gap
        return None

    def sentences(self):
        """The gaps in words: "2 of 5 job specialists lack Basic course in IPS"."""
        sentences = []
        for profession in self.missing_professions:
            sentences.append(
                _("no %(person)s among your colleagues") % {"person": PEOPLE[profession][0]}
            )
        for group in self.groups:
            if not group.required_titles:
                continue
            one, several = PEOPLE.get(group.profession, PEOPLE[""])
            total = len(group.colleagues)
            if group.trained == 0 and group.complete < total:
                sentences.append(_("no %(person)s trained yet") % {"person": one})
                continue
            for gap in self.gaps:
                if gap.profession != group.profession:
                    continue
                lacking = len(gap.lacking)
                sentences.append(
                    ngettext(
                        "%(lacking)d of %(total)d %(people)s lacks %(step)s",
                        "%(lacking)d of %(total)d %(people)s lack %(step)s",
                        lacking,
                    )
                    % {
                        "lacking": lacking,
                        "total": total,
                        "people": one if total == 1 else several,
                        "step": gap.title,
                    }
                )
        return sentences

    def summary(self):
        sentences = self.sentences()
        if not sentences:
            return ""
        text = "; ".join(str(s) for s in sentences) + "."
        return text[0].upper() + text[1:]


def _members(organisation_ids):
    return Membership.objects.current().filter(organisation_id__in=organisation_ids)


def organisation_readiness(organisation, programme=None, *, today=None, now=None):
    """The readiness of ``organisation``'s staff against the package of ``programme`` (by
    default the programme of its current grant). Eight queries whatever the staff count."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    grants = grants_by_programme(organisation, today)
    if programme is None:
        current = [p for p, g in grants.items() if _is_current(g, today.year)]
        programme = (current or list(grants) or [Programme.IPS])[0]
    grant = grants.get(programme)
    package = load_packages([programme]).get(programme)
    readiness = Readiness(
        organisation=organisation,
        programme=programme,
        package=package,
        grant=grant,
        grant_year=grant_year(grant, today) if grant else None,
        today=today,
    )
    memberships = list(
        _members([organisation.pk])
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    if package is None:
        readiness.groups = [
            Group(profession=p, colleagues=cs, columns=[], required_titles=set())
            for p, cs in _by_profession(
                [Colleague(m.user, m.user.profession, None) for m in memberships]
            )
        ]
        return readiness
    attempts = registrations_by_user(
        _members([organisation.pk]).values("user_id"), package.course_ids, now
    )
    colleagues = [
        Colleague(
            user=m.user,
            profession=m.user.profession,
            progress=progress(
                package, m.user.profession, attempts.get(m.user_id, []), today=today, now=now
            ),
        )
        for m in memberships
    ]
    for profession, members in _by_profession(colleagues):
        readiness.groups.append(_group(package, profession, members, today))
        readiness.gaps += _gaps(package, profession, members, today)
    employed = {g.profession for g in readiness.groups}
    current = package.current(today)
    if current:
        needed = {
            profession for step in current.steps if step.required for profession in step.professions
        }
        readiness.missing_professions = sorted(
            needed - employed, key=lambda p: PROFESSION_ORDER.get(p, 99)
        )
    return readiness


def _by_profession(colleagues):
    groups = {}
    for colleague in colleagues:
        groups.setdefault(colleague.profession or "", []).append(colleague)
    return sorted(groups.items(), key=lambda item: PROFESSION_ORDER.get(item[0], 99))


def _group(package, profession, colleagues, today):
    columns = package.step_titles(profession, today)
    required = set()
    for colleague in colleagues:
        if colleague.progress is None:
            continue
        for step_progress in colleague.progress.steps:
            if step_progress.step.title not in columns:
                columns.append(step_progress.step.title)
            if step_progress.step.required:
                required.add(step_progress.step.title)
    return Group(
        profession=profession, colleagues=colleagues, columns=columns, required_titles=required
    )


def _gaps(package, profession, colleagues, today):
    """Gaps for one profession, in the order of the current version's steps."""
    gaps = {}
    for colleague in colleagues:
        if colleague.progress is None:
            continue
        for step_progress in colleague.progress.required:
            step = step_progress.step
            gap = gaps.get(step.title)
            if gap is None:
                gap = gaps[step.title] = Gap(
                    profession=profession,
                    title=step.title,
                    step_pk=step.pk,
                    course_ids=frozenset(),
                    lacking=[],
                    booked=0,
                    total=len(colleagues),
                )
            gap.course_ids |= step.course_ids
            if step_progress.lacking:
                gap.lacking.append(colleague.user)
            elif step_progress.state == BOOKED:
                gap.booked += 1
    current = package.current(today)
    representative = {s.title: s.pk for s in current.steps} if current else {}
    order = package.step_titles(profession, today)
    result = []
    for title, gap in gaps.items():
        if not gap.lacking:
            continue
        gap.step_pk = representative.get(title, gap.step_pk)
        result.append(gap)
    result.sort(key=lambda g: (order.index(g.title) if g.title in order else 99, g.title))
    return result


# --- who may see which recipients --------------------------------------------------------------


@dataclass
class Scope:
    national: bool = False
    centre: Organisation | None = None
    county_ids: frozenset = frozenset()

    def recipients(self, qs):
        """Narrow a queryset of grants to this scope."""
        if self.national:
            return qs
        return qs.filter(organisation__county_id__in=list(self.county_ids))


def readiness_scope(user):
    """What ``user`` may see of the aggregated readiness, or None."""
    if not user.is_authenticated:
        return None
    if user.has_perm(NATIONAL_PERMISSION):
        return Scope(national=True)
    membership = (
        Membership.objects.current()
        .filter(
            user=user,
            role=MembershipRole.STAFF,
            organisation__kind=OrganisationKind.RESOURCE_CENTRE,
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        return None
    region = (
        ResourceCentreRegion.objects.filter(resource_centre=membership.organisation)
        .prefetch_related("counties")
        .first()
    )
    counties = frozenset(c.pk for c in region.counties.all()) if region else frozenset()
    return Scope(centre=membership.organisation, county_ids=counties)


# --- aggregated --------------------------------------------------------------------------------

DIMENSIONS = {
    "recipient": gettext_lazy("Grant recipient"),
    "county": gettext_lazy("County"),
    "programme": gettext_lazy("Programme"),
    "profession": gettext_lazy("Profession"),
}


@dataclass
class Row:
    key: object
    label: str
    people: int = 0
    complete: int = 0
    booked: int = 0  # every required step done or booked, not complete yet
    lacking: int = 0  # at least one required step neither done nor booked
    programme: str = ""
    grant_year: str = ""

    @property
    def percent(self):
        return round(100 * self.complete / self.people) if self.people else None

    @property
    def percent_is_safe(self):
        counts = (self.people, self.complete, self.people - self.complete)
        return self.people > 0 and all(n == 0 or n >= SUPPRESS_BELOW for n in counts)

    @property
    def shown(self):
        return {
            "people": suppress(self.people),
            "complete": suppress(self.complete),
            "booked": suppress(self.booked),
            "lacking": suppress(self.lacking),
            "percent": self.percent if self.percent_is_safe else "<5",
        }


def current_grants(scope, *, today=None, programme="", county=None):
    """Grants in force this year at active organisations in the scope (one query)."""
    year = (today or timezone.localdate()).year
    grants = (
        Grant.objects.filter(start_year__lte=year)
        .filter(Q(end_year__gte=year) | Q(end_year__isnull=True, start_year__gt=year - GRANT_YEARS))
        .exclude(organisation__status=OrganisationStatus.MERGED)
        .select_related("organisation__county")
        .order_by("organisation__name", "programme", "-start_year")
    )
    grants = scope.recipients(grants)
    if programme:
        grants = grants.filter(programme=programme)
    if county:
        grants = grants.filter(organisation__county_id=county)
    chosen = {}
    for grant in grants:
        chosen.setdefault((grant.organisation_id, grant.programme), grant)
    return list(chosen.values())


def aggregate(scope, *, by="recipient", programme="", county=None, today=None, now=None):
    """Rows of readiness counts grouped by ``by``; a fixed number of queries (about ten)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    grants = current_grants(scope, today=today, programme=programme, county=county)
    org_ids = sorted({g.organisation_id for g in grants})
    packages = load_packages({g.programme for g in grants})
    staff = {}
    for org_id, user_id, profession in _members(org_ids).values_list(
        "organisation_id", "user_id", "user__profession"
    ):
        staff.setdefault(org_id, []).append((user_id, profession or ""))
    course_ids = frozenset().union(*(p.course_ids for p in packages.values()))
    attempts = (
        registrations_by_user(_members(org_ids).values("user_id"), course_ids, now)
        if org_ids
        else {}
    )
    rows = {}
    for grant in grants:
        package = packages.get(grant.programme)
        if package is None:
            continue
        organisation = grant.organisation
        for user_id, profession in staff.get(organisation.pk, []):
            result = progress(package, profession, attempts.get(user_id, []), today=today, now=now)
            if result is None or not result.has_requirements:
                continue
            row = _row_for(rows, by, grant, profession, today)
            row.people += 1
            if result.complete:
                row.complete += 1
            elif result.all_booked:
                row.booked += 1
            else:
                row.lacking += 1
    return sorted(rows.values(), key=_sort_key(by))


def _row_for(rows, by, grant, profession, today):
    organisation = grant.organisation
    if by == "recipient":
        key = (organisation.pk, grant.programme)
        if key not in rows:
            rows[key] = Row(
                key=key,
                label=organisation.name,
                programme=str(Programme(grant.programme).label),
                grant_year=str(grant_year(grant, today)),
            )
    elif by == "county":
        key = organisation.county_id
        if key not in rows:
            rows[key] = Row(
                key=key, label=organisation.county.name if organisation.county_id else "–"
            )
    elif by == "programme":
        key = grant.programme
        if key not in rows:
            rows[key] = Row(key=key, label=str(Programme(key).label))
    else:
        key = profession
        if key not in rows:
            rows[key] = Row(key=key, label=profession_label(profession))
    return rows[key]


def _sort_key(by):
    if by == "profession":
        return lambda row: PROFESSION_ORDER.get(row.key, 99)
    if by == "programme":
        return lambda row: list(Programme.values).index(row.key)
    return lambda row: (row.label, row.programme)


def totals(rows):
    total = Row(key=None, label=_("All"))
    for row in rows:
        total.people += row.people
        total.complete += row.complete
        total.booked += row.booked
        total.lacking += row.lacking
    return total


def county_choices(scope):
    counties = County.objects.valid_on().order_by("name")
    if not scope.national:
        counties = counties.filter(pk__in=list(scope.county_ids))
    return list(counties.values_list("pk", "name"))
