from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import views

admin.site.site_header = _("Maillage administration")
admin.site.site_title = "Maillage"


def _moved(pattern_name):
    return RedirectView.as_view(pattern_name=pattern_name, query_string=True, permanent=True)


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Crawlers keep out of the pages of settings.ROBOTS_DISALLOW (the print pages).
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Machine-readable, not translated: the open API (django-ninja) and the HSDS 3.0 export.
    path("api/hsds/", include("opendata.hsds_urls")),
    path("api/", include("api.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("pages.urls")),
    path("", include("directory.urls")),
    path("", include("agenda.urls")),
    path("", include("projects.urls")),
    path("", include("search.urls")),
    path("territory/", include("territory.urls")),
    path("account/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("account/api-tokens/", include("api.token_urls")),
    path("charter/", include("charter.urls")),
    path("", include("proposals.urls")),
    path("history/", include("history.urls")),
    path("freshness/", include("freshness.urls")),
    path("imports/", include("imports.urls")),
    path("merges/", include("merges.urls")),
    path("open-data/", include("opendata.urls")),
    # The directory's exports are open data now (one row builder with the dump); old links still work.
    path("directory/actors.csv", _moved("opendata:actors_csv")),
    path("directory/actors.geojson", _moved("opendata:actors_geojson")),
    path("embed/", include("widgets.urls")),
    path("print/", include("printing.urls")),
    path("admin/", admin.site.urls),
)

handler404 = "maillage.views.not_found"
