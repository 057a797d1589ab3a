from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "pages"
urlpatterns = [
    path("", public_page(views.home), name="home"),
    path("easy-reading/", views.easy_reading, name="easy_reading"),
]
