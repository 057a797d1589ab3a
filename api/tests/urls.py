"""The project's URLs plus the token pages, until the lead mounts ``api.token_urls``."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from maillage.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns]
urlpatterns += i18n_patterns(path("account/api-tokens/", include("api.token_urls")))
