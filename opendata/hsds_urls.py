"""HSDS 3.0 API, outside the language prefix: /api/hsds/ (language from ?lang= or Accept-Language)."""

from django.urls import path

from . import views

app_name = "hsds"
urlpatterns = [
    path("", views.hsds_index, name="index"),
    path("organizations", views.hsds_organizations, name="organizations"),
    path("organizations/<str:id>", views.hsds_organization, name="organization"),
    path("services", views.hsds_services, name="services"),
    path("services/<str:id>", views.hsds_service, name="service"),
    path("service_at_locations", views.hsds_service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", views.hsds_service_at_location, name="service_at_location"),
    path("taxonomies", views.hsds_taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", views.hsds_taxonomy, name="taxonomy"),
    path("taxonomy_terms", views.hsds_taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.hsds_taxonomy_term, name="taxonomy_term"),
]
