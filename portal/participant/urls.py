"""The participant (/min-side/ and the links they get by email). Every view is guarded by
``people.access.participant_required`` and reads only the signed-in person's rows."""

from django.urls import path

from attendance import views as attendance
from calendars import views as calendars
from enrollment import views as enrollment
from people import views as people
from training import views as training

from . import invitations, views

urlpatterns = [
    path("min-side/", people.profile, name="profile"),
    path("min-side/profil/", people.profile_edit, name="profile_edit"),
    path("min-side/arbeidsgiver/", people.employer, name="employer"),
    path("min-side/mine-data.json", people.data_export, name="data_export"),
    path("min-side/slett-konto/", people.account_delete, name="account_delete"),
    path("min-side/kalender/ny-lenke/", calendars.rotate_token, name="rotate_calendar_token"),
    path("min-side/kurs/", views.my_courses, name="my_courses"),
    path(
        "min-side/kurs/<id:registration_id>/avmeld/",
        enrollment.cancel_registration,
        name="cancel_registration",
    ),
    path(
        "min-side/kurs/<id:registration_id>/fravaer/<id:session_id>/",
        attendance.absence,
        name="report_absence",
    ),
    path(
        "min-side/kursbevis/<id:certificate_id>.pdf",
        attendance.my_certificate,
        name="my_certificate",
    ),
    path(
        "min-side/opplaeringspakke/<id:pk>/kursbevis.pdf",
        training.package_certificate,
        name="package_certificate",
    ),
    path("innsjekk/<id:session_id>/", attendance.checkin_page, name="checkin"),
    path("invitasjon/<str:token>/", invitations.invitation, name="invitation"),
]
