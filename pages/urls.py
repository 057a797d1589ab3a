from django.urls import path

from . import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("easy-reading/", views.easy_reading, name="easy_reading"),
]
