"""The project's URLs with the Open data page first: pages.urls still holds an older
/open-data/ page that shadows it until the lead removes it."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from maillage.urls import handler404  # noqa: F401
from maillage.urls import urlpatterns as project_urlpatterns

urlpatterns = i18n_patterns(path("open-data/", include("opendata.urls", namespace="opendata-first")))
urlpatterns += project_urlpatterns
