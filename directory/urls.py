from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.actor_list, name="list"),
    path("directory/<slug:slug>/", views.actor_detail, name="actor"),
    path("map/", views.map_page, name="map"),
    path("map/points.json", views.map_data, name="map_data"),
]
