from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("runs/<int:pk>/preview/", views.preview_again, name="preview_again"),
    path("runs/<int:pk>/apply/", views.apply, name="apply"),
    path("sources/<slug:slug>/", views.source_page, name="source"),
]
