from django.urls import path

from maillage.pagecache import public_page

from . import views

app_name = "agenda"
urlpatterns = [
    path("agenda/", public_page(views.upcoming), name="upcoming"),
    path("agenda/month/", public_page(views.month), name="month"),
    path("agenda/archive/", public_page(views.archive), name="archive"),
    path("agenda/agenda.ics", views.feed, name="feed"),
    path("agenda/<slug:slug>/", public_page(views.event_detail), name="event"),
    path("agenda/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
]
