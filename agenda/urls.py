from django.urls import path

from . import views

app_name = "agenda"
urlpatterns = [
    path("agenda/", views.upcoming, name="upcoming"),
    path("agenda/month/", views.month, name="month"),
    path("agenda/archive/", views.archive, name="archive"),
    path("agenda/agenda.ics", views.feed, name="feed"),
    path("agenda/<slug:slug>/", views.event_detail, name="event"),
    path("agenda/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
]
