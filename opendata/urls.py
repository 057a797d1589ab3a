from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("maillage-open-data.zip", views.download, name="download"),
]
