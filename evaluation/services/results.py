"""Evaluation results.

Invariants:
- a set of answers (a run, a course module, a provider, a period, the nation) is shown only when
  it holds at least 5 answers; below that only "too few answers to show";
- within a shown set, each profession group's count from 1 to 4 is shown as "<5", and its mean
  and distribution are hidden (``reports.services.suppress``);
- free text is shown only under the same rule, with a reminder to remove identifying remarks;
- answers belong to the version asked; items with the same id in several versions (the core set,
  a provider's unchanged questions) are reported together, under the latest wording;
- a fixed number of queries whatever the number of runs and answers: the answers are read in one
  query and summed here.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from people.professions import Profession
from reports.services import SUPPRESS_BELOW, suppress

from ..models import SCALED, EvaluationKind, ItemKind, QuestionnaireVersion, Response

MIN_ANSWERS = SUPPRESS_BELOW
GROUPS = [
    ("therapist", _("Therapists")),
    ("job_specialist", _("Job specialists")),
    ("other", _("Other professions")),
    ("all", _("All")),
]


def group_of(profession):
    if profession in (Profession.THERAPIST, Profession.JOB_SPECIALIST):
        return str(profession)
    return "other"


def _language():
    return "en" if (get_language() or "nb").startswith("en") else "nb"


@dataclass
class GroupResult:
    key: str
    label: str
    n: int = 0
    total: float = 0
    counts: dict = field(default_factory=dict)

    @property
    def shown(self):
        return self.n >= SUPPRESS_BELOW

    @property
    def n_shown(self):
        return suppress(self.n)

    @property
    def mean(self):
        return round(self.total / self.n, 2) if self.n else None

    @property
    def mean_shown(self):
        return self.mean if self.shown else "<5" if self.n else "–"


@dataclass
class ItemResult:
    id: str
    kind: str
    text: str
    core: bool
    values: list  # [(value, label)]
    groups: list
    texts: list = field(default_factory=list)

    def __post_init__(self):
        self.by_key = {g.key: g for g in self.groups}

    @property
    def scaled(self):
        return self.kind in SCALED

    def rows(self):
        """[(group, [shown count per value])] for the table."""
        return [
            (g, [suppress(g.counts.get(v, 0)) if g.shown else "" for v, _label in self.values])
            for g in self.groups
        ]

    def chart_rows(self):
        everyone = self.groups[-1]
        return [
            {"label": label, "count": everyone.counts.get(value, 0)} for value, label in self.values
        ]


@dataclass
class Results:
    count: int
    items: list

    @property
    def shown(self):
        return self.count >= MIN_ANSWERS


def _values(item, language):
    kind = item["kind"]
    if kind == ItemKind.LIKERT:
        return [(n, str(n)) for n in range(1, 6)]
    if kind == ItemKind.RECOMMEND:
        return [(n, str(n)) for n in range(0, 11)]
    if kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        return [(i, o.get(language) or o["nb"]) for i, o in enumerate(item["options"])]
    return []


def summarise(responses, *, core_only=False, with_text=False):
    """Results of ``responses`` (a Response queryset): two queries."""
    rows = list(responses.order_by().values_list("version_id", "profession", "answers"))
    versions = QuestionnaireVersion.objects.filter(pk__in={r[0] for r in rows}).order_by(
        "created_at", "pk"
    )
    language = _language()
    items = {}
    for version in versions:  # oldest first: the latest wording wins, first order kept
        for item in version.items:
            if core_only and not item.get("core"):
                continue
            if item["kind"] == ItemKind.TEXT and not with_text:
                continue
            items[item["id"]] = ItemResult(
                id=item["id"],
                kind=item["kind"],
                text=item.get(f"text_{language}") or item.get("text_nb", ""),
                core=bool(item.get("core")),
                values=_values(item, language),
                groups=[GroupResult(key, str(label)) for key, label in GROUPS],
            )
    counted = 0
    for _version_id, profession, answers in rows:
        group = group_of(profession)
        counted += 1
        for item_id, value in answers.items():
            result = items.get(item_id)
            if result is None:
                continue
            if result.kind == ItemKind.TEXT:
                result.texts.append(value)
                continue
            for g in (result.by_key[group], result.groups[-1]):
                g.n += 1
                if result.kind == ItemKind.MULTIPLE:
                    for v in value:
                        g.counts[v] = g.counts.get(v, 0) + 1
                else:
                    g.counts[value] = g.counts.get(value, 0) + 1
                    if result.scaled:
                        g.total += value
    for result in items.values():
        result.texts.sort(key=str.casefold)  # never in the order answered
    return Results(count=counted, items=list(items.values()))


def responses(runs, kind=EvaluationKind.COURSE):
    """The answers of one round of ``runs`` (ids or a queryset of ids): after the course, or the
    follow-up months later. Rounds are never summed together: their questions and their moment
    differ."""
    return Response.objects.filter(evaluation__run__in=runs, evaluation__kind=kind)


def export_rows(results):
    """Long-form rows for CSV/XLSX: question, group, answer, count, answers in group, mean."""
    rows = []
    if not results.shown:
        return rows
    for item in results.items:
        if item.kind == ItemKind.TEXT:
            continue
        for group in item.groups:
            for value, label in item.values:
                rows.append(
                    [
                        item.text,
                        group.label,
                        label,
                        suppress(group.counts.get(value, 0)) if group.shown else "<5",
                        group.n_shown,
                        group.mean_shown if item.scaled else "",
                    ]
                )
    return rows


EXPORT_HEADERS = [
    _("Question"),
    _("Group"),
    _("Answer"),
    _("Count"),
    _("Answers in group"),
    _("Mean"),
]
