"""The organiser (/arrangor/; the participant list and run editing are in the Wagtail admin).
Every view takes its run through ``courses.permissions.organised_run``, the course-run
permission policy registered with Wagtail: any other run is a 404."""

from django.urls import path

from attendance import views as attendance
from evaluation import views as evaluation

urlpatterns = [
    path("arrangor/kurs/<int:run_id>/", attendance.run_overview, name="run_attendance"),
    path(
        "arrangor/kurs/<int:run_id>/okt/<int:session_id>/",
        attendance.session_register,
        name="session_register",
    ),
    path(
        "arrangor/kurs/<int:run_id>/okt/<int:session_id>/innsjekk/",
        attendance.checkin_display,
        name="checkin_display",
    ),
    path("arrangor/kurs/<int:run_id>/lukk/", attendance.close, name="close_register"),
    path(
        "arrangor/kurs/<int:run_id>/evaluering/",
        evaluation.run_results,
        name="evaluation_run_results",
    ),
    path(
        "arrangor/kurs/<int:run_id>/deltaker/<int:registration_id>/fullfort/",
        attendance.completion_override,
        name="completion_override",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis/<int:certificate_id>/trekk-tilbake/",
        attendance.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis/<int:certificate_id>/ny-versjon/",
        attendance.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis.zip",
        attendance.certificates_zip,
        name="certificates_zip",
    ),
]
