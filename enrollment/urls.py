from django.urls import path

from . import views

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
