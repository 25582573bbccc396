from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_participant_urls():
    return [
        path(
            "course_runs/<int:run_id>/participants/",
            admin_views.ParticipantsView.as_view(),
            name="run_participants",
        ),
        path(
            "course_runs/<int:run_id>/participants/add/",
            admin_views.add_participant,
            name="run_add_participant",
        ),
        path(
            "course_runs/<int:run_id>/capacity/",
            admin_views.change_run_capacity,
            name="run_change_capacity",
        ),
        path(
            "course_runs/<int:run_id>/participants/<int:registration_id>/cancel/",
            admin_views.cancel_participant,
            name="run_cancel_participant",
        ),
        path(
            "course_runs/<int:run_id>/participants/<int:registration_id>/priority/",
            admin_views.participant_priority,
            name="run_participant_priority",
        ),
        path(
            "course_runs/<int:run_id>/participants/<int:registration_id>/completed/",
            admin_views.participant_completed,
            name="run_participant_completed",
        ),
        path(
            "course_runs/<int:run_id>/log/",
            admin_views.registration_log,
            name="run_registration_log",
        ),
    ]


@hooks.register("register_log_actions")
def register_enrollment_log_actions(actions):
    actions.register_action("enrollment.capacity", _("Capacity changed"), _("Capacity changed"))
