from django.apps import AppConfig


class MaillageConfig(AppConfig):
    """The kernel: what several apps share (change sets, data versions, caches, scheduler...)."""

    name = "maillage"
    verbose_name = "Maillage"

    def ready(self):
        from . import changes  # noqa: F401  (connects history records to the open change set)
