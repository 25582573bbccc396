"""Training packages as the rest of the app reads them: loaded whole, in a fixed number of
queries, into plain objects that answer "which version applies to this person".

Invariants:
- a version is in force from its ``valid_from`` day (Europe/Oslo); a package with no version in
  force yet requires nothing;
- a person is judged against the version that was in force on the day they started the package
  (the first day they had a confirmed registration for any of its course modules, in any
  version); if a later version in force today is marked as applying to everyone, the latest
  such version is used instead; someone who has not started is judged against the latest
  version in force today;
- a step applies to a person when it names their profession, or names no profession.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import Prefetch

from people.models import ProfessionOption

from ..models import PackageStep, PackageVersion, TrainingPackage


@dataclass(frozen=True)
class Step:
    pk: int
    title: str
    order: int
    course_ids: frozenset
    professions: frozenset  # empty: every profession
    recommended: bool

    def applies_to(self, profession):
        return not self.professions or profession in self.professions

    @property
    def required(self):
        return not self.recommended


@dataclass
class Version:
    pk: int
    number: int
    valid_from: date
    applies_to_everyone: bool
    change_note: str
    steps: list

    def steps_for(self, profession):
        return [step for step in self.steps if step.applies_to(profession)]


@dataclass
class Package:
    pk: int
    programme: str
    title: str
    issuer_id: int | None
    versions: list = field(default_factory=list)  # by valid_from

    @cached_property
    def course_ids(self):
        """Every course module named in any version (what "started the package" looks at)."""
        return frozenset().union(*(s.course_ids for v in self.versions for s in v.steps))

    def in_force(self, today):
        return [v for v in self.versions if v.valid_from <= today]

    def current(self, today):
        versions = self.in_force(today)
        return versions[-1] if versions else None

    def version_for(self, started_on, today):
        """The version a person who started on ``started_on`` (None: not yet) is judged
        against today."""
        versions = self.in_force(today)
        if not versions:
            return None
        if started_on is None:
            return versions[-1]
        at_start = [v for v in versions if v.valid_from <= started_on]
        base = at_start[-1] if at_start else versions[0]
        for_everyone = [
            v for v in versions if v.applies_to_everyone and v.valid_from > base.valid_from
        ]
        return for_everyone[-1] if for_everyone else base

    def step_titles(self, profession, today):
        """Step titles for a profession, in the order of the current version."""
        current = self.current(today)
        return [s.title for s in current.steps_for(profession)] if current else []


def load_packages(programmes=None):
    """{programme: Package} with every version and step (five queries, any size)."""
    steps = PackageStep.objects.order_by("sort_order", "pk").prefetch_related(
        "courses",
        Prefetch("professions", queryset=ProfessionOption.objects.only("code")),
    )
    packages = TrainingPackage.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=PackageVersion.objects.order_by("valid_from", "number").prefetch_related(
                Prefetch("steps", queryset=steps)
            ),
        )
    )
    if programmes is not None:
        packages = packages.filter(programme__in=list(programmes))
    result = {}
    for package in packages:
        result[package.programme] = Package(
            pk=package.pk,
            programme=package.programme,
            title=package.title,
            issuer_id=package.issuer_id,
            versions=[
                Version(
                    pk=version.pk,
                    number=version.number,
                    valid_from=version.valid_from,
                    applies_to_everyone=version.applies_to_everyone,
                    change_note=version.change_note,
                    steps=[
                        Step(
                            pk=step.pk,
                            title=step.title,
                            order=index,
                            course_ids=frozenset(c.pk for c in step.courses.all()),
                            professions=frozenset(p.code for p in step.professions.all()),
                            recommended=step.recommended,
                        )
                        for index, step in enumerate(version.steps.all())
                    ],
                )
                for version in package.versions.all()
            ],
        )
    return result
