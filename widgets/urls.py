from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "widgets"
urlpatterns = [
    path("", public_page(views.builder), name="builder"),
    path("map/", public_page(views.map_embed), name="map"),
    path("agenda/", public_page(views.agenda_embed), name="agenda"),
    path("style.css", views.style, name="style"),
]
