from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "search"
urlpatterns = [path("search/", public_page(views.search), name="search")]
