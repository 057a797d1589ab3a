"""Mounted at /api/ (outside the language prefix): the API itself, its OpenAPI document
(/api/openapi.json) and its documentation page (/api/docs)."""

from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("docs", views.docs, name="api-docs"),
    path("", api.urls),
]
