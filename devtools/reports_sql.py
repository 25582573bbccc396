"""Hand-written SQL for the national report's answers, to measure the report pages against
(``bench_reports``): the participation table (registered, attended, completed per group) and
the therapist share per period and county or course, each in one statement written as one
would by hand for PostgreSQL."""

from attendance.models import ATTENDED, AttendanceRecord
from courses.models import CoursePage, CourseRun
from enrollment.models import Registration, RegistrationStatus
from organisations.models import Organisation
from people.professions import Profession

R = Registration._meta.db_table
RUN = CourseRun._meta.db_table
ORG = Organisation._meta.db_table
ATT = AttendanceRecord._meta.db_table
PAGE = "wagtailcore_page"
PATH_LENGTH = CoursePage.steplen * 3

# group expression and the joins it needs
DIMENSIONS = {
    "profession": ("r.profession", ""),
    "course": ("run.course_id", ""),
    "provider": (f"substr(p.path, 1, {PATH_LENGTH})", f"JOIN {PAGE} p ON p.id = run.course_id"),
    "employer": ("r.employer_id", ""),
    "county": ("o.county_id", f"LEFT JOIN {ORG} o ON o.id = r.employer_id"),
    "period": ("date_trunc(%(period)s, run.starts_on)", ""),
}
PER = {
    "county": ("o.county_id", f"LEFT JOIN {ORG} o ON o.id = r.employer_id"),
    "course": ("run.course_id", ""),
}


def participation_sql(by, period):
    group, join = DIMENSIONS[by]
    return (
        f"SELECT {group} AS key, count(*) AS registered, "  # noqa: S608 - fixed table names
        "count(*) FILTER (WHERE r.completed_at IS NOT NULL) AS completed, "
        "count(a.registration_id) AS attended "
        f"FROM {R} r JOIN {RUN} run ON run.id = r.run_id {join} "
        f"LEFT JOIN (SELECT DISTINCT registration_id FROM {ATT} "
        "WHERE status = ANY(%(attended)s)) a "
        "ON a.registration_id = r.id "
        "WHERE r.status = %(confirmed)s GROUP BY 1 ORDER BY 1"
    ), {"period": period, "attended": list(ATTENDED), "confirmed": RegistrationStatus.CONFIRMED}


def share_sql(period, per):
    group, join = PER[per]
    return (
        f"SELECT date_trunc(%(period)s, run.starts_on) AS period, {group} AS grp, "  # noqa: S608
        "count(*) FILTER (WHERE r.profession = %(therapist)s) AS therapists, "
        "count(*) FILTER (WHERE r.profession = %(job)s) AS job_specialists "
        f"FROM {R} r JOIN {RUN} run ON run.id = r.run_id {join} "
        "WHERE r.status = %(confirmed)s AND r.profession IN (%(therapist)s, %(job)s) "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ), {
        "period": period,
        "therapist": Profession.THERAPIST,
        "job": Profession.JOB_SPECIALIST,
        "confirmed": RegistrationStatus.CONFIRMED,
    }


def national_answer(cursor, by="profession", period="quarter", per="county"):
    """Both tables of one national report page; returns (participation rows, share rows)."""
    cursor.execute(*participation_sql(by, period))
    participation = cursor.fetchall()
    cursor.execute(*share_sql(period, per))
    return participation, cursor.fetchall()
