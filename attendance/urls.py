from django.urls import path

from . import views

urlpatterns = [
    path("arrangor/kurs/<int:run_id>/", views.run_overview, name="run_attendance"),
    path(
        "arrangor/kurs/<int:run_id>/okt/<int:session_id>/",
        views.session_register,
        name="session_register",
    ),
    path(
        "arrangor/kurs/<int:run_id>/okt/<int:session_id>/innsjekk/",
        views.checkin_display,
        name="checkin_display",
    ),
    path("arrangor/kurs/<int:run_id>/lukk/", views.close, name="close_register"),
    path(
        "arrangor/kurs/<int:run_id>/deltaker/<int:registration_id>/fullfort/",
        views.completion_override,
        name="completion_override",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis/<int:certificate_id>/trekk-tilbake/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis/<int:certificate_id>/ny-versjon/",
        views.certificate_reissue,
        name="certificate_reissue",
    ),
    path(
        "arrangor/kurs/<int:run_id>/kursbevis.zip", views.certificates_zip, name="certificates_zip"
    ),
    path(
        "min-side/kursbevis/<int:certificate_id>.pdf", views.my_certificate, name="my_certificate"
    ),
    path(
        "organisasjon/<int:pk>/kursbevis/<int:certificate_id>.pdf",
        views.organisation_certificate,
        name="organisation_certificate",
    ),
    path(
        "organisasjon/<int:pk>/oppmote/<int:run_id>/",
        views.organisation_attendance,
        name="organisation_attendance",
    ),
    path("innsjekk/<int:session_id>/", views.checkin_page, name="checkin"),
    path(
        "min-side/kurs/<int:registration_id>/fravaer/<int:session_id>/",
        views.absence,
        name="report_absence",
    ),
    path("certificates/verify/", views.verify, name="certificate_verify"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify_code"),
]
