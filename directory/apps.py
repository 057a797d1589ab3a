from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from search import engine

        from . import signals, thesaurus  # noqa: F401

        # The search engine (below the directory) reads the themes', audiences' and kinds' words.
        engine.register_terms(thesaurus.terms)
