from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pages.views import healthz

admin.site.site_header = _("Maillage administration")
admin.site.site_title = "Maillage"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
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
    path("charter/", include("charter.urls")),
    path("", include("proposals.urls")),
    path("history/", include("history.urls")),
    path("freshness/", include("freshness.urls")),
    path("admin/", admin.site.urls),
)

handler404 = "maillage.views.not_found"
