from django.urls import path

from organisations import views as org_views

from . import views

urlpatterns = [
    path("min-side/", views.profile, name="profile"),
    path("min-side/profil/", views.profile_edit, name="profile_edit"),
    path("min-side/arbeidsgiver/", views.employer, name="employer"),
    path("min-side/mine-data.json", views.data_export, name="data_export"),
    path("min-side/slett-konto/", views.account_delete, name="account_delete"),
    path("organisasjon/", org_views.my_organisations, name="my_organisations"),
    path("organisasjon/<int:pk>/", org_views.organisation, name="organisation"),
    path("organisasjon/<int:pk>/inviter/", org_views.invite_colleague, name="invite_colleague"),
    path(
        "organisasjon/<int:pk>/invitasjoner/<int:invitation_id>/trekk-tilbake/",
        org_views.withdraw,
        name="withdraw_invitation",
    ),
    path("invitasjon/<str:token>/", org_views.invitation, name="invitation"),
    path("innlogging/koble-konto/", views.link_account, name="link_account"),
    path(
        "innlogging/<str:provider_id>/retur/",
        views.federated_callback,
        name="federated_callback",
    ),
]
