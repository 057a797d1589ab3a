from django.urls import path, re_path

from . import views

app_name = "printing"

urlpatterns = [
    path("", views.index, name="index"),
    path("directory/", views.directory, name="directory"),
    path("handout/", views.handout, name="handout"),
    path("poster/", views.poster, name="poster"),
    re_path(r"^status/(?P<key>[0-9a-f]{64})/$", views.status, name="status"),
    re_path(r"^file/(?P<key>[0-9a-f]{64})\.pdf$", views.file, name="file"),
]
