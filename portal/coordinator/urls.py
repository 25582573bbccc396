"""The coordinator (/organisasjon/ and enrolling colleagues on a run). Every view takes its
organisation through ``organisations.access.coordinated_organisation``: any organisation the
person does not coordinate is a 404."""

from django.urls import path

from attendance import views as attendance
from enrollment import coordinator_views as enrolment
from reports import views as reports
from training import views as training

from . import views

urlpatterns = [
    path("organisasjon/", views.my_organisations, name="my_organisations"),
    path("organisasjon/<id:pk>/", views.organisation, name="organisation"),
    path("organisasjon/<id:pk>/inviter/", views.invite_colleague, name="invite_colleague"),
    path("organisasjon/<id:pk>/varsler/", views.digest_settings, name="organisation_digest"),
    path(
        "organisasjon/<id:pk>/invitasjoner/<id:invitation_id>/trekk-tilbake/",
        views.withdraw,
        name="withdraw_invitation",
    ),
    path(
        "organisasjon/<id:pk>/pameldinger/",
        enrolment.org_registrations,
        name="org_registrations",
    ),
    path(
        "organisasjon/<id:pk>/pameldinger/<id:registration_id>/avmeld/",
        enrolment.cancel_for_colleague,
        name="cancel_for_colleague",
    ),
    path(
        "organisasjon/mal-kolleger.<str:export_format>",
        enrolment.colleagues_template,
        name="colleagues_template",
    ),
    path(
        "organisasjon/<id:pk>/kursbevis/<id:certificate_id>.pdf",
        attendance.organisation_certificate,
        name="organisation_certificate",
    ),
    path(
        "organisasjon/<id:pk>/oppmote/<id:run_id>/",
        attendance.organisation_attendance,
        name="organisation_attendance",
    ),
    path("organisasjon/<id:pk>/dekning/", reports.coverage, name="coverage"),
    path("organisasjon/<id:pk>/opplaering/", training.readiness, name="readiness"),
    path("organisasjon/<id:pk>/opplaering/mangler/", training.gap_runs, name="readiness_gap"),
    path(
        "kurs/pamelding/<id:run_id>/kolleger/",
        enrolment.enrol_colleagues,
        name="enrol_colleagues",
    ),
    path(
        "kurs/pamelding/<id:run_id>/kolleger/fil/",
        enrolment.upload_colleagues,
        name="upload_colleagues",
    ),
    path(
        "kurs/pamelding/<id:run_id>/kolleger/<str:plan_id>/",
        enrolment.team_preview,
        name="team_preview",
    ),
]
