from django.urls import path

from . import views

app_name = "widgets"
urlpatterns = [
    path("", views.builder, name="builder"),
    path("map/", views.map_embed, name="map"),
    path("agenda/", views.agenda_embed, name="agenda"),
    path("style.css", views.style, name="style"),
]
