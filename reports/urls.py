from django.urls import path

from . import views

urlpatterns = [path("organisasjon/<int:pk>/dekning/", views.coverage, name="coverage")]
