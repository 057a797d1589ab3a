from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "projects"
urlpatterns = [
    path("projects/", public_page(views.project_list), name="list"),
    path("projects/<slug:slug>/", public_page(views.project_detail), name="project"),
]
