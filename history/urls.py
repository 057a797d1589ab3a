from django.urls import path

from . import views

app_name = "history"
urlpatterns = [
    path("archived/", views.archived, name="archived"),
    path("<slug:kind>/<int:pk>/", views.versions, name="versions"),
    path("<slug:kind>/<int:pk>/revert/<int:history_id>/", views.revert, name="revert"),
    path("<slug:kind>/<int:pk>/archive/", views.archive, name="archive"),
    path("<slug:kind>/<int:pk>/restore/", views.restore, name="restore"),
]
