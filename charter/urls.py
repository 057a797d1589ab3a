from django.urls import path

from . import views

app_name = "charter"
urlpatterns = [
    path("", views.charter, name="charter"),
    path("version/<int:pk>/", views.version, name="version"),
    path("accept/", views.accept, name="accept"),
]
