"""Participation figures, aggregated in SQL.

Invariants:
- every figure is computed by the database (GROUP BY), in a fixed number of queries whatever
  the number of registrations;
- national figures are aggregates only; any count from 1 to 4 is shown as "<5" where a
  breakdown could identify people (``suppress``);
- "registered" counts confirmed registrations, "attended" those with at least one session
  attended (present or late), "completed" those marked completed.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr, TruncMonth, TruncQuarter, TruncYear
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from attendance.models import ATTENDED, AttendanceRecord
from cms.models import ResourceCentrePage
from courses.models import CoursePage
from enrollment.models import Registration, RegistrationStatus
from geo.models import County
from organisations.models import Organisation
from people.professions import Profession

SUPPRESS_BELOW = 5
PROVIDER_PATH_LENGTH = CoursePage.steplen * 3
PERIODS = {"year": TruncYear, "quarter": TruncQuarter, "month": TruncMonth}
DIMENSIONS = {
    "profession": ("profession", _("Profession")),
    "course": ("run__course_id", _("Course module")),
    "provider": ("provider_path", _("Course provider")),
    "employer": ("employer_id", _("Grant recipient")),
    "county": ("employer__county_id", _("County")),
    "period": ("period", _("Period")),
}


def suppress(value):
    return "<5" if 0 < value < SUPPRESS_BELOW else value


def share_is_safe(row):
    """A therapist share may be shown only when neither count is a small number (1-4):
    otherwise the hidden count could be worked out from the other count and the share."""
    return (
        all(
            row[key] == 0 or row[key] >= SUPPRESS_BELOW for key in ("therapists", "job_specialists")
        )
        and (row["therapists"] + row["job_specialists"]) > 0
    )


@dataclass
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    profession: str = ""
    provider: str = ""  # ResourceCentrePage path
    county: int | None = None
    course: int | None = None
    employer: int | None = None
    run_ids: object = None  # a queryset of run ids (a resource centre's own runs)


def _annotate(qs, fields, period):
    """Add only the computed columns a query groups by (each one costs a join)."""
    if "period" in fields:
        qs = qs.annotate(period=PERIODS[period]("run__starts_on"))
    if "provider_path" in fields:
        qs = qs.annotate(provider_path=Substr("run__course__path", 1, PROVIDER_PATH_LENGTH))
    return qs


def registrations(filters):
    qs = Registration.objects.filter(status=RegistrationStatus.CONFIRMED)
    if filters.year_from:
        qs = qs.filter(run__starts_on__year__gte=filters.year_from)
    if filters.year_to:
        qs = qs.filter(run__starts_on__year__lte=filters.year_to)
    if filters.profession:
        qs = qs.filter(profession=filters.profession)
    if filters.provider:
        qs = qs.filter(run__course__path__startswith=filters.provider)
    if filters.county:
        qs = qs.filter(employer__county_id=filters.county)
    if filters.course:
        qs = qs.filter(run__course_id=filters.course)
    if filters.employer:
        qs = qs.filter(employer_id=filters.employer)
    if filters.run_ids is not None:
        qs = qs.filter(run_id__in=filters.run_ids)
    return qs


def _attended_registrations():
    """Ids of registrations with a session attended, each once (the partial index on attended
    rows covers it)."""
    return (
        AttendanceRecord.objects.filter(status__in=ATTENDED)
        .order_by()
        .values("registration_id")
        .distinct()
    )


def participation(filters, by="profession", period="quarter"):
    """Rows of {key, label, registered, attended, completed} grouped by one dimension.

    One pass over the registrations, as one would write it by hand: the filtered
    registrations (``registrations(filters)``, compiled by the ORM with its parameters bound)
    left-joined to the distinct attended registration ids, grouped once. Two grouped queries
    (the second filtered by ``pk IN (attended)``) read the registrations twice and took up to
    1.8x the hand-written statement at 200,000 registrations.
    """
    field, _label = DIMENSIONS[by]
    filtered = (
        _annotate(registrations(filters), {field}, period)
        .order_by()
        .values(report_key=F(field), report_id=F("pk"), report_done=F("completed_at"))
    )
    connection = connections[filtered.db]
    key, reg, done, att = map(
        connection.ops.quote_name, ("report_key", "report_id", "report_done", "registration_id")
    )
    inner_sql, inner_params = filtered.query.sql_with_params()
    attended_sql, attended_params = _attended_registrations().query.sql_with_params()
    # Fixed fragments and the compiled querysets' SQL: every value is a bound parameter.
    sql = (
        f"SELECT r.{key}, COUNT(*), COUNT(r.{done}), COUNT(a.{att}) "  # noqa: S608
        f"FROM ({inner_sql}) r LEFT JOIN ({attended_sql}) a ON a.{att} = r.{reg} "
        f"GROUP BY r.{key} ORDER BY r.{key}"
    )
    convert = _converter(filtered, "report_key", connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*inner_params, *attended_params))
        fetched = cursor.fetchall()
    rows = _participation_rows(field, [(convert(value), *counts) for value, *counts in fetched])
    _label_participation(rows, by, period, _labels(by, [row["key"] for row in rows], period))
    return rows


def _converter(queryset, alias, connection):
    """The ORM's conversion of one selected column (e.g. a truncated date) from its raw value."""
    expression = queryset.query.annotations[alias]
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(
        connection
    )

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def _participation_rows(field, fetched):
    """Rows from (key, registered, completed, attended) tuples, in the order given."""
    return [
        {
            field: value,
            "key": value,
            "registered": registered,
            "attended": attended,
            "completed": completed,
        }
        for value, registered, completed, attended in fetched
    ]


def _label_participation(rows, by, period, labels):
    for row in rows:
        row["label"] = labels.get(row["key"], str(row["key"] or "–"))


def _labels(by, keys, period=None):
    if by == "profession":
        return {code: str(label) for code, label in Profession.choices}
    if by == "course":
        return dict(CoursePage.objects.filter(pk__in=keys).values_list("pk", "title"))
    if by == "provider":
        return dict(ResourceCentrePage.objects.filter(path__in=keys).values_list("path", "title"))
    if by == "employer":
        return dict(Organisation.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "county":
        return dict(County.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "period":
        return {k: _label_for_period(k, period) for k in keys if k}
    return {}


def therapist_share(filters, period="quarter", per=None):
    """Therapist share (therapists / (therapists + job specialists)) per period, and per
    county or course when ``per`` is given. Returns {"series": [...], "rows": [...]}."""
    keys = ["period"] + ([DIMENSIONS[per][0]] if per else [])
    qs = _annotate(registrations(filters), set(keys), period).filter(
        profession__in=[Profession.THERAPIST, Profession.JOB_SPECIALIST]
    )
    rows = list(
        qs.order_by()
        .values(*keys)
        .annotate(
            therapists=Count("pk", filter=Q(profession=Profession.THERAPIST)),
            job_specialists=Count("pk", filter=Q(profession=Profession.JOB_SPECIALIST)),
        )
        .order_by(*keys)
    )
    labels = _labels(per, [r[DIMENSIONS[per][0]] for r in rows]) if per else {}
    _complete_share(rows, period, per, labels)
    return rows


def _complete_share(rows, period, per, labels):
    """Add share, period label and group label to rows of period, group and both counts."""
    for row in rows:
        total = row["therapists"] + row["job_specialists"]
        row["share"] = round(100 * row["therapists"] / total, 1) if total else None
        row["period_label"] = _label_for_period(row["period"], period)
        if per:
            row["group"] = labels.get(row[DIMENSIONS[per][0]], "–")


def national_figures(filters, by="profession", period="quarter", per="county"):
    """Both tables of the national report: ``(participation(filters, by, period),
    therapist_share(filters, period, per))``, the same rows in the same order.

    On PostgreSQL one statement reads the filtered registrations (left-joined to the distinct
    attended ids, as ``participation`` does) once for both tables:
    ``GROUP BY GROUPING SETS ((by), (period, per))``. ``GROUPING(period, per)`` tells the two
    sets apart: 0 only in the share set, which groups by both (a key may itself be NULL, and
    ``by`` may be the period or ``per`` itself). The share set counts therapists and job
    specialists with FILTER and keeps only groups with at least one of them, which is what
    ``therapist_share``'s WHERE gives. Reading the registrations twice (two statements, as the
    hand-written SQL does) cost a second scan and join of all of them. Labels are looked up
    once when both tables group by the same dimension. Other databases (SQLite has no
    grouping sets) get the two functions.
    """
    if connections[Registration.objects.db].vendor != "postgresql":
        return participation(filters, by=by, period=period), therapist_share(
            filters, period=period, per=per
        )
    field, per_field = DIMENSIONS[by][0], DIMENSIONS[per][0]
    # Each expression is selected once: PostgreSQL (before 16) does not tell apart two
    # references to one expression when a grouping set nulls only one of them, and sorted
    # the share set on the wrong one. When ``by`` is the period or ``per``, its column is the
    # key of both sets.
    key_alias = {"period": "share_period", per: "share_group"}.get(by, "report_key")
    columns = {"share_period": F("period"), "share_group": F(per_field)}
    provider_join = ""
    if by == "provider":
        # The provider's path cut from the course's own page row: the ORM reaches
        # ``run__course__path`` through the course page table as well, one more join of every
        # registration. The path is cut once per page in a subquery that ``OFFSET 0`` keeps
        # PostgreSQL from pulling up (it would cut it again for each registration: EXPLAIN
        # ANALYZE 190 instead of 240 ms).
        columns["report_course"] = F("run__course_id")
    elif key_alias == "report_key":
        columns["report_key"] = F(field)
    filtered = (
        _annotate(registrations(filters), {"period", per_field}, period)
        .order_by()
        .values(
            **columns,
            report_id=F("pk"),
            report_done=F("completed_at"),
            report_profession=F("profession"),
        )
    )
    connection = connections[filtered.db]
    key, period_, group, reg, done, profession, att = map(
        connection.ops.quote_name,
        (
            key_alias,
            "share_period",
            "share_group",
            "report_id",
            "report_done",
            "report_profession",
            "registration_id",
        ),
    )
    inner_sql, inner_params = filtered.query.sql_with_params()
    attended_sql, attended_params = _attended_registrations().query.sql_with_params()
    period_, group = f"r.{period_}", f"r.{group}"
    if by == "provider":
        page, quote = Page._meta, connection.ops.quote_name
        path = quote(page.get_field("path").column)
        provider_join = (
            f"INNER JOIN (SELECT {quote(page.pk.column)} AS id, "  # noqa: S608 - model names
            f"SUBSTRING({path}, 1, {int(PROVIDER_PATH_LENGTH)}) AS provider "
            f"FROM {quote(page.db_table)} OFFSET 0) p "
            f"ON p.id = r.{quote('report_course')} "
        )
        key = "p.provider"
    else:
        key = f"r.{key}"
    # Fixed fragments and the compiled querysets' SQL: every value is a bound parameter.
    sql = (
        f"SELECT GROUPING({period_}, {group}), {key}, {period_}, {group}, "  # noqa: S608
        f"COUNT(*), COUNT(r.{done}), COUNT(a.{att}), "
        f"COUNT(*) FILTER (WHERE r.{profession} = %s), "
        f"COUNT(*) FILTER (WHERE r.{profession} = %s) "
        f"FROM ({inner_sql}) r {provider_join}"
        f"LEFT JOIN ({attended_sql}) a ON a.{att} = r.{reg} "
        f"GROUP BY GROUPING SETS (({key}), ({period_}, {group})) "
        # the share set by period and group, the other by its key (period and group are NULL
        # there, or the key itself)
        f"ORDER BY 1, {period_}, {group}, {key}"
    )
    params = (
        Profession.THERAPIST,
        Profession.JOB_SPECIALIST,
        *inner_params,
        *attended_params,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    convert_key = (
        (lambda path: path)  # text as it is (what Substr gives)
        if by == "provider"
        else _converter(filtered, key_alias, connection)
    )
    convert_period = _converter(filtered, "share_period", connection)
    convert_group = _converter(filtered, "share_group", connection)
    rows = _participation_rows(
        field,
        [
            (convert_key(value), registered, completed, attended)
            for set_bits, value, _p, _g, registered, completed, attended, _t, _j in fetched
            if set_bits
        ],
    )
    breakdown = [
        {
            "period": convert_period(day),
            per_field: convert_group(value),
            "therapists": therapists,
            "job_specialists": job_specialists,
        }
        for set_bits, _k, day, value, _r, _c, _a, therapists, job_specialists in fetched
        if not set_bits and (therapists or job_specialists)
    ]
    row_keys = [row["key"] for row in rows]
    group_keys = [row[per_field] for row in breakdown]
    if by == per:
        labels = _labels(by, row_keys + group_keys, period)
        row_labels = group_labels = labels
    else:
        row_labels = _labels(by, row_keys, period)
        group_labels = _labels(per, group_keys)
    _label_participation(rows, by, period, row_labels)
    _complete_share(breakdown, period, per, group_labels)
    return rows, breakdown


def _label_for_period(day, period):
    if day is None:
        return "–"
    if period == "year":
        return str(day.year)
    if period == "quarter":
        return f"{day.year} K{(day.month - 1) // 3 + 1}"
    return day.strftime("%m.%Y")


def series_from(breakdown, period):
    """The per-period series, summed from a per-period-and-group breakdown (no query)."""
    totals = {}
    for row in breakdown:
        entry = totals.setdefault(
            row["period"], {"period": row["period"], "therapists": 0, "job_specialists": 0}
        )
        entry["therapists"] += row["therapists"]
        entry["job_specialists"] += row["job_specialists"]
    series = []
    for key in sorted(totals, key=lambda d: (d is None, d)):
        row = totals[key]
        total = row["therapists"] + row["job_specialists"]
        row["share"] = round(100 * row["therapists"] / total, 1) if total else None
        row["period_label"] = _label_for_period(row["period"], period)
        series.append(row)
    return series


def trend(series):
    """(latest share, previous share, change in points) from a per-period series."""
    points = [row for row in series if row["share"] is not None]
    if len(points) < 2:
        return None
    latest, previous = points[-1], points[-2]
    return {
        "latest": latest,
        "previous": previous,
        "change": round(latest["share"] - previous["share"], 1),
    }


def provider_runs(runs):
    """Per run: confirmed, waitlisted, therapists, job specialists and no-shows, for a list of
    runs (one page) in two grouped queries. A no-show has register rows but none attended."""
    runs = list(runs)
    ids = [run.pk for run in runs]
    counts = {
        row["run_id"]: row
        for row in Registration.objects.filter(run_id__in=ids)
        .order_by()
        .values("run_id")
        .annotate(
            confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
            therapists=Count(
                "pk",
                filter=Q(status=RegistrationStatus.CONFIRMED, profession=Profession.THERAPIST),
            ),
            job_specialists=Count(
                "pk",
                filter=Q(status=RegistrationStatus.CONFIRMED, profession=Profession.JOB_SPECIALIST),
            ),
        )
    }
    # A page of runs has a few thousand registrations: correlated EXISTS (anti-join) is cheap
    # here, while IN / NOT IN over all attendance would scan it.
    records = AttendanceRecord.objects.filter(registration=OuterRef("pk"))
    with_register = (
        Registration.objects.filter(run_id__in=ids, status=RegistrationStatus.CONFIRMED)
        .filter(Exists(records))
        .order_by()
    )
    registered = dict(
        with_register.values("run_id").annotate(n=Count("pk")).values_list("run_id", "n")
    )
    no_shows = dict(
        with_register.exclude(Exists(records.filter(status__in=ATTENDED)))
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    empty = {"confirmed": 0, "waitlisted": 0, "therapists": 0, "job_specialists": 0}
    for run in runs:
        for key, value in counts.get(run.pk, empty).items():
            if key != "run_id":
                setattr(run, key, value)
        run.has_register = bool(registered.get(run.pk))
        run.no_shows = no_shows.get(run.pk, 0)
    return runs
