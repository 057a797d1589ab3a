from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergesConfig(AppConfig):
    name = "merges"
    verbose_name = _("Merges")
