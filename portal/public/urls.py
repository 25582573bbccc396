"""The public: the run page (and registering), waitlist offers, certificate verification, the
calendar feeds and the JSON API. No login needed; what a token or form unlocks is checked in
the view."""

from django.urls import path

from attendance import views as attendance
from calendars import views as calendars
from enrollment import views as enrollment
from evaluation import views as evaluation

from . import views

# Under the language prefix (nb without one, /en/...).
urlpatterns = [
    path("kurs/pamelding/<id:run_id>/", enrollment.run_detail, name="run_detail"),
    path("tilgjengelighet/", views.accessibility_statement, name="accessibility_statement"),
    path("tilbud/<str:token>/", enrollment.offer, name="offer"),
    path("evaluering/<str:token>/", evaluation.answer, name="evaluation_answer"),
    path("certificates/verify/", attendance.verify, name="certificate_verify"),
    path("certificates/verify/<str:code>/", attendance.verify, name="certificate_verify_code"),
]

# Machine-read, without a language prefix.
feeds = [
    path("calendar/courses.ics", views.courses_feed, name="courses_feed"),
    path("calendar/course/<id:course_id>.ics", views.course_feed, name="course_feed"),
    path("calendar/me/<str:token>.ics", calendars.personal_feed, name="personal_feed"),
    path("calendar/organiser/<str:token>.ics", calendars.organiser_feed, name="organiser_feed"),
    path("api/runs/", views.api_runs, name="api_runs"),
]
