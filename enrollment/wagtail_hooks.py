from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_participant_urls():
    return [
        path(
            "course_runs/<id:run_id>/participants/",
            admin_views.ParticipantsView.as_view(),
            name="run_participants",
        ),
        path(
            "course_runs/<id:run_id>/participants/add/",
            admin_views.add_participant,
            name="run_add_participant",
        ),
        path(
            "course_runs/<id:run_id>/capacity/",
            admin_views.change_run_capacity,
            name="run_change_capacity",
        ),
        path(
            "course_runs/<id:run_id>/participants/<id:registration_id>/cancel/",
            admin_views.cancel_participant,
            name="run_cancel_participant",
        ),
        path(
            "course_runs/<id:run_id>/participants/<id:registration_id>/priority/",
            admin_views.participant_priority,
            name="run_participant_priority",
        ),
        path(
            "course_runs/<id:run_id>/participants/<id:registration_id>/completed/",
            admin_views.participant_completed,
            name="run_participant_completed",
        ),
        path(
            "course_runs/<id:run_id>/log/",
            admin_views.registration_log,
            name="run_registration_log",
        ),
    ]


@hooks.register("register_log_actions")
def register_enrollment_log_actions(actions):
    actions.register_action("enrollment.capacity", _("Capacity changed"), _("Capacity changed"))


@hooks.register("personal_data_export")
def registrations_for_export(user):
    """The person's registrations, with their certificates and attendance, for their export."""
    registrations = user.registrations.select_related("run__course", "employer").prefetch_related(
        "certificates", "attendance__session"
    )
    return {
        "registrations": [
            {
                "course": r.run.display_title,
                "status": r.status,
                "profession": r.profession,
                "employer": r.employer.name if r.employer_id else None,
                "needs": r.needs,
                "registered_at": r.created_at.isoformat(),
                "completed_at": r.completed_at.isoformat() if r.completed_at else None,
                "certificates": [c.code for c in r.certificates.all()],
                "attendance": [
                    {"date": a.session.date.isoformat(), "status": a.status, "reason": a.reason}
                    for a in r.attendance.all()
                ],
            }
            for r in registrations
        ]
    }
