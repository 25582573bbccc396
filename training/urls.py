from django.urls import path

from . import views

urlpatterns = [
    path(
        "min-side/opplaeringspakke/<int:pk>/kursbevis.pdf",
        views.package_certificate,
        name="package_certificate",
    ),
    path("organisasjon/<int:pk>/opplaering/", views.readiness, name="readiness"),
    path("organisasjon/<int:pk>/opplaering/mangler/", views.gap_runs, name="readiness_gap"),
]
