"""The organiser and the run's instructors (/arrangor/; registrations and run editing are in the
Wagtail admin). The register, check-in screen, participant list and messages take their run
through ``courses.permissions.taught_run`` (organisers and the run's instructors); certificate
and completion actions through ``organised_run``, the course-run permission policy registered
with Wagtail. Any other run is a 404."""

from django.urls import path

from attendance import views as attendance
from evaluation import views as evaluation
from teaching import views as teaching

urlpatterns = [
    path("arrangor/kurs/<id:run_id>/", attendance.run_overview, name="run_attendance"),
    path(
        "arrangor/kurs/<id:run_id>/okt/<id:session_id>/",
        attendance.session_register,
        name="session_register",
    ),
    path(
        "arrangor/kurs/<id:run_id>/okt/<id:session_id>/innsjekk/",
        attendance.checkin_display,
        name="checkin_display",
    ),
    path("arrangor/kurs/<id:run_id>/lukk/", attendance.close, name="close_register"),
    path(
        "arrangor/kurs/<id:run_id>/evaluering/",
        evaluation.run_results,
        name="evaluation_run_results",
    ),
    path(
        "arrangor/kurs/<id:run_id>/deltaker/<id:registration_id>/fullfort/",
        attendance.completion_override,
        name="completion_override",
    ),
    path(
        "arrangor/kurs/<id:run_id>/kursbevis/<id:certificate_id>/trekk-tilbake/",
        attendance.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "arrangor/kurs/<id:run_id>/kursbevis/<id:certificate_id>/ny-versjon/",
        attendance.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "arrangor/kurs/<id:run_id>/kursbevis.zip",
        attendance.certificates_zip,
        name="certificates_zip",
    ),
]

urlpatterns += [
    path("arrangor/", teaching.my_runs, name="taught_runs"),
    path(
        "arrangor/kurs/<id:run_id>/deltakere/",
        teaching.participant_list,
        name="run_participant_list",
    ),
    path("arrangor/kurs/<id:run_id>/meldinger/", teaching.run_messages_view, name="run_messages"),
]
