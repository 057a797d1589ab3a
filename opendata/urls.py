from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "opendata"
urlpatterns = [
    path("", public_page(views.index), name="index"),
    path("maillage-open-data.zip", views.download, name="download"),
    path("actors.csv", views.actors_csv, name="actors_csv"),
    path("actors.geojson", views.actors_geojson, name="actors_geojson"),
]
