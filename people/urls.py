"""Signing in with a provider (the rest of signing in is allauth's own URLs)."""

from django.urls import path

from . import views

urlpatterns = [
    path("innlogging/koble-konto/", views.link_account, name="link_account"),
    path(
        "innlogging/<str:provider_id>/retur/",
        views.federated_callback,
        name="federated_callback",
    ),
]
