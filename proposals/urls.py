from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("contribute/", views.contribute, name="contribute"),
    path("contribute/how-to-publish/", views.how_to_publish, name="how_to_publish"),
    path("contribute/new/<str:kind>/", views.new, name="new"),
    path("contribute/change/<str:kind>/<slug:slug>/", views.change, name="change"),
    path("contribute/report/<str:kind>/<slug:slug>/", views.report, name="report"),
    path("contribute/news/<slug:slug>/", views.project_update, name="project_update"),
    path("contribute/sent/<uuid:submission>/", views.sent, name="sent"),
    path("contribute/confirm/<str:token>/", views.confirm, name="confirm"),
    path("contribute/organisers/", views.organiser_requests, name="organiser_requests"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/<int:pk>/", views.review, name="review"),
]
