from django.urls import path

from . import coordinator_views, views

urlpatterns = [
    path("kurs/pamelding/<int:run_id>/", views.run_detail, name="run_detail"),
    path("min-side/kurs/", views.my_courses, name="my_courses"),
    path(
        "min-side/kurs/<int:registration_id>/avmeld/",
        views.cancel_registration,
        name="cancel_registration",
    ),
    path("tilbud/<str:token>/", views.offer, name="offer"),
]

urlpatterns += [
    path(
        "kurs/pamelding/<int:run_id>/kolleger/",
        coordinator_views.enrol_colleagues,
        name="enrol_colleagues",
    ),
    path(
        "kurs/pamelding/<int:run_id>/kolleger/fil/",
        coordinator_views.upload_colleagues,
        name="upload_colleagues",
    ),
    path(
        "kurs/pamelding/<int:run_id>/kolleger/<str:plan_id>/",
        coordinator_views.team_preview,
        name="team_preview",
    ),
    path(
        "organisasjon/mal-kolleger.<str:export_format>",
        coordinator_views.colleagues_template,
        name="colleagues_template",
    ),
    path(
        "organisasjon/<int:pk>/pameldinger/",
        coordinator_views.org_registrations,
        name="org_registrations",
    ),
    path(
        "organisasjon/<int:pk>/pameldinger/<int:registration_id>/avmeld/",
        coordinator_views.cancel_for_colleague,
        name="cancel_for_colleague",
    ),
]
