from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/export/", views.export, name="export"),
    path("profile/delete/", views.delete, name="delete"),
    path("privacy/", views.privacy, name="privacy"),
    path("claim/<slug:slug>/", views.claim, name="claim"),
    path("claim-confirm/<str:token>/", views.claim_confirm, name="claim_confirm"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/decide/", views.claim_decide, name="claim_decide"),
    path("invite/<slug:slug>/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
