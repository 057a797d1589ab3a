from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "directory"
urlpatterns = [
    path("directory/", public_page(views.actor_list), name="list"),
    path("directory/<slug:slug>/", public_page(views.actor_detail), name="actor"),
    path("map/", public_page(views.map_page), name="map"),
    path("map/points.json", views.map_data, name="map_data"),
]
