from django.urls import path

from . import views

app_name = "freshness"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("to-verify/", views.to_verify, name="to_verify"),
    path("to-verify/<int:pk>/verified/", views.mark_verified, name="mark_verified"),
    path("still-correct/<str:token>/", views.still_correct, name="still_correct"),
]
